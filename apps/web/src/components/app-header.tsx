'use client';
import type { Profile } from '@meritum/shared/client';
import { useSignOut } from '@/lib/queries';

/** The site's name, who is signed in, and signing out. */
export function AppHeader({ profile }: { profile: Profile | undefined }) {
  const signOut = useSignOut();
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to the dashboard
      </a>
      <span className="brand">Meritum</span>
      <div className="who">
        {profile && (
          <span className="who-name">
            {profile.name} <span className="muted">· billing no. {profile.billingNumber}</span>
          </span>
        )}
        <button
          type="button"
          className="button secondary"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </button>
        {signOut.isError && (
          <span className="field-error" role="alert">
            Signing out failed: {signOut.error.message}
          </span>
        )}
      </div>
    </header>
  );
}
