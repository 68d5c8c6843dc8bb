'use client';
import type { Profile } from '@meritum/shared/client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useSignInWhenUnauthenticated, useSignOut, useSignOutEverywhere } from '@/lib/queries';

const PAGES = [
  { href: '/', label: 'Dashboard' },
  { href: '/claims', label: 'Claims' },
  { href: '/statements', label: 'Statements' },
] as const;

/**
 * The site's name, its pages, who is signed in, their password, and signing out: here, or on
 * every device at once.
 */
export function AppHeader({ profile }: { profile: Profile | undefined }) {
  const signOut = useSignOut();
  const signOutEverywhere = useSignOutEverywhere();
  useSignInWhenUnauthenticated(signOutEverywhere.error);
  const pathname = usePathname();
  const failed = signOut.error ?? signOutEverywhere.error;
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to the main content
      </a>
      <div className="header-start">
        <span className="brand">Meritum</span>
        <nav aria-label="Pages">
          <ul className="nav">
            {PAGES.map((page) => (
              <li key={page.href}>
                <Link href={page.href} aria-current={pathname === page.href ? 'page' : undefined}>
                  {page.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <div className="who">
        {profile && (
          <span className="who-name">
            {profile.name} <span className="muted">· billing no. {profile.billingNumber}</span>
          </span>
        )}
        <Link
          href="/account"
          className="who-link"
          aria-current={pathname === '/account' ? 'page' : undefined}
        >
          Change password
        </Link>
        <button
          type="button"
          className="button secondary"
          onClick={() => signOutEverywhere.mutate()}
          disabled={signOutEverywhere.isPending || signOut.isPending}
        >
          Sign out everywhere
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending || signOutEverywhere.isPending}
        >
          Sign out
        </button>
        {failed && (
          <span className="field-error" role="alert">
            Signing out failed: {failed.message}
          </span>
        )}
      </div>
    </header>
  );
}
