import Link from 'next/link';
import { type ClaimsFilter, claimsHref } from '@/lib/claims-filter';

/**
 * A figure that opens the claims behind it, or plain text where figures lead nowhere (a
 * statement's frozen figures). Not prefetched: a dashboard holds dozens of these.
 */
export function FigureLink({
  claims,
  children,
  className,
}: {
  claims: ClaimsFilter | undefined;
  children: React.ReactNode;
  className?: string;
}) {
  if (!claims) return children;
  return (
    <Link href={claimsHref(claims)} prefetch={false} className={className ?? 'figure-link'}>
      {children}
    </Link>
  );
}
