import { SESSION_COOKIE } from '@meritum/shared/client';
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { ClaimsPage } from '@/components/claims/claims-page';

export const metadata: Metadata = { title: 'Claims · Meritum' };

export default async function Claims() {
  // As on the dashboard: no session cookie, straight to sign-in; a 401 from the API sends the
  // page there too.
  if (!(await cookies()).has(SESSION_COOKIE)) redirect('/sign-in');
  // The list's filter is read from the URL, in the browser.
  return (
    <Suspense>
      <ClaimsPage />
    </Suspense>
  );
}
