'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { filterFromSearch, searchFromFilter } from '@/lib/claims-filter';
import { useProfile, useSignInWhenUnauthenticated } from '@/lib/queries';
import { AppHeader } from '../app-header';
import { ClaimsList } from './claims-list';

/**
 * The claims behind a figure, or any claims: the filter lives in the URL, so every figure of
 * the dashboard is a link, and a list can be bookmarked and shared.
 */
export function ClaimsPage() {
  const search = useSearchParams();
  const parsed = filterFromSearch(new URLSearchParams(search));
  const profile = useProfile();
  useSignInWhenUnauthenticated(profile.error);

  return (
    <>
      <AppHeader profile={profile.data} />
      <main id="main" className="page">
        {parsed.ok ? (
          // A new filter is a new list: its pages, its focus, its announcements start over.
          <ClaimsList key={searchFromFilter(parsed.filter)} filter={parsed.filter} />
        ) : (
          <>
            <h1>Claims</h1>
            <div className="panel error" role="alert">
              <h2>This list’s address is not one Meritum can read</h2>
              <p>The filter in it is not valid: {parsed.problem}.</p>
              <Link href="/claims">Show all claims</Link>
            </div>
          </>
        )}
      </main>
    </>
  );
}
