'use client';
import { useProfile, useSignInWhenUnauthenticated } from '@/lib/queries';
import { AppHeader } from '../app-header';
import { PasswordForm } from './password-form';

/** The physician's password: change it, and every other device signs out. */
export function AccountPage() {
  const profile = useProfile();
  useSignInWhenUnauthenticated(profile.error);
  return (
    <>
      <AppHeader profile={profile.data} />
      <main id="main" className="page account">
        <div className="page-head">
          <div>
            <h1>Change password</h1>
            <p className="muted">
              {profile.data ? `Signed in as ${profile.data.email}. ` : ''}A new password signs out
              every other device and browser; this one stays signed in.
            </p>
          </div>
        </div>
        <PasswordForm email={profile.data?.email} />
      </main>
    </>
  );
}
