import type { Metadata } from 'next';
import { AuthForm } from '@/components/auth-form';
import { ENDED_PARAM, signInNotice } from '@/lib/session-end';

export const metadata: Metadata = { title: 'Sign in · Meritum' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // A page whose session ended comes here saying why (/sign-in?ended=SESSION_IDLE).
  const notice = signInNotice((await searchParams)[ENDED_PARAM]);
  return <AuthForm mode="sign-in" notice={notice} />;
}
