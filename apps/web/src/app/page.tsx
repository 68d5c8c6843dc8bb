import { SESSION_COOKIE } from '@meritum/shared/client';
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/dashboard';

export const metadata: Metadata = { title: 'Dashboard · Meritum' };

export default async function DashboardPage() {
  // Without any session cookie, straight to sign-in. Whether a cookie is still valid only the
  // API can say; the page sends its 401 to sign-in as well.
  if (!(await cookies()).has(SESSION_COOKIE)) redirect('/sign-in');
  // The dashboard reads its period from the URL, in the browser.
  return (
    <Suspense>
      <Dashboard />
    </Suspense>
  );
}
