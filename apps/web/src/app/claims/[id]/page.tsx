import { SESSION_COOKIE } from '@meritum/shared/client';
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { ClaimDetailPage } from '@/components/claims/claim-detail-page';

export const metadata: Metadata = { title: 'Claim · Meritum' };

export default async function Claim({ params }: { params: Promise<{ id: string }> }) {
  // As on the dashboard: no session cookie, straight to sign-in; a 401 from the API sends the
  // page there too.
  if (!(await cookies()).has(SESSION_COOKIE)) redirect('/sign-in');
  const { id } = await params;
  // The list it was opened from (for the way back) is read from the URL, in the browser.
  return (
    <Suspense>
      <ClaimDetailPage id={id} />
    </Suspense>
  );
}
