'use client';
import type { DashboardQuery, DashboardResponse } from '@meritum/shared/client';
import { formatPeriod } from '@meritum/shared/client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { messageOf } from '@/lib/api';
import { queryFromSearch, searchFromQuery } from '@/lib/dashboard-query';
import { useDashboard, useProfile, useSignInWhenUnauthenticated } from '@/lib/queries';
import { AppHeader } from '../app-header';
import { h2, LoadFailed } from '../load-failed';
import { FreshnessBadge } from './freshness-badge';
import { KpiTiles, KpiTilesLoading } from './kpi-tiles';
import { MonthlyChart } from './monthly-chart';
import { Outstanding } from './outstanding';
import { PeriodControls } from './period-controls';
import { RefusalReasons } from './refusal-reasons';
import { TopCodes } from './top-codes';

const isEmpty = (d: DashboardResponse) => d.metrics.claimsCount === 0 && d.metrics.paidCount === 0;

/** The page a physician opens every morning: what was billed, paid, refused, and how fast. */
export function Dashboard() {
  const pathname = usePathname();
  const search = useSearchParams();
  const query = queryFromSearch(new URLSearchParams(search));
  const profile = useProfile();
  const [dashboard, readDashboardAgain] = useDashboard(query);
  useSignInWhenUnauthenticated(profile.error, dashboard.error);

  // The browser's own history API: Next keeps useSearchParams in step without a server round trip.
  const show = (next: DashboardQuery) =>
    window.history.replaceState(null, '', `${pathname}?${searchFromQuery(next)}`);

  const data = dashboard.data;
  const updating = dashboard.isPlaceholderData;
  // The claim type of the figures shown: while another query's figures stand in for this one's,
  // their links keep the claim type they were read for.
  const [shownClaimType, setShownClaimType] = useState(query.claimType);
  if (data && !updating && shownClaimType !== query.claimType) setShownClaimType(query.claimType);
  const scope = data && { period: data.period, claimType: shownClaimType };
  const links = { claimType: shownClaimType };

  return (
    <>
      <AppHeader profile={profile.data} />
      <main id="main" className="page">
        <div className="page-head">
          <div>
            <h1>Dashboard</h1>
            <p className="muted" data-testid="period">
              {data ? formatPeriod(data.period) : '\u00a0'}
              {query.claimType ? ` · ${query.claimType} claims` : ' · all claims'}
            </p>
          </div>
          {data && (
            <FreshnessBadge
              freshness={data.freshness}
              readAt={updating ? null : dashboard.dataUpdatedAt}
            />
          )}
        </div>

        <PeriodControls query={query} onChange={show} />

        <div
          aria-busy={dashboard.isFetching && !data}
          className={updating ? 'updating' : undefined}
        >
          {dashboard.isError && !data ? (
            <LoadFailed
              heading={h2}
              what="The dashboard"
              error={dashboard.error}
              onRetry={readDashboardAgain}
            />
          ) : !data ? (
            <>
              <p className="visually-hidden" role="status">
                Loading the dashboard…
              </p>
              <KpiTilesLoading />
            </>
          ) : (
            <>
              <KpiTiles metrics={data.metrics} comparison={data.comparison} scope={scope} />
              {isEmpty(data) ? (
                <>
                  <div className="panel empty">
                    <h2>No claims in this period</h2>
                    <p className="muted">
                      Claims you submit for {formatPeriod(data.period)} will show here. Try a longer
                      period, or the other claim type.
                    </p>
                  </div>
                  {/* Owed whatever the period: older claims may still be waiting. */}
                  {data.outstanding.total.claimsCount > 0 && (
                    <div className="panels">
                      <Outstanding outstanding={data.outstanding} links={links} />
                    </div>
                  )}
                </>
              ) : (
                <div className="panels">
                  <MonthlyChart monthly={data.monthly} links={links} />
                  <TopCodes codes={data.topHealthServiceCodes} scope={scope} />
                  <RefusalReasons
                    refusals={data.refusals}
                    adjustments={data.adjustments}
                    scope={scope}
                  />
                  <Outstanding outstanding={data.outstanding} links={links} />
                </div>
              )}
              {dashboard.isError && (
                <p className="field-error" role="alert">
                  Showing earlier figures: {messageOf(dashboard.error)}
                </p>
              )}
            </>
          )}
        </div>
      </main>
    </>
  );
}
