import { SESSION_COOKIE } from '@meritum/shared/client';
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { AccountPage } from '@/components/account/account-page';

export const metadata: Metadata = { title: 'Change password · Meritum' };

export default async function Account() {
  // As on the dashboard: no session cookie, straight to sign-in; a 401 from the API sends the
  // page there too.
  if (!(await cookies()).has(SESSION_COOKIE)) redirect('/sign-in');
  return <AccountPage />;
}
