'use client';
import type { DashboardQuery, DashboardResponse } from '@meritum/shared/client';
import { formatPeriod } from '@meritum/shared/client';
import { usePathname, useSearchParams } from 'next/navigation';
import { messageOf } from '@/lib/api';
import { queryFromSearch, searchFromQuery } from '@/lib/dashboard-query';
import { useDashboard, useProfile, useSignInWhenUnauthenticated } from '@/lib/queries';
import { AppHeader } from '../app-header';
import { FreshnessBadge } from './freshness-badge';
import { KpiTiles, KpiTilesLoading } from './kpi-tiles';
import { MonthlyChart } from './monthly-chart';
import { PeriodControls } from './period-controls';
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
            <div className="panel error" role="alert">
              <h2>The dashboard could not be loaded</h2>
              <p>{messageOf(dashboard.error)}</p>
              <button type="button" className="button" onClick={readDashboardAgain}>
                Try again
              </button>
            </div>
          ) : !data ? (
            <>
              <p className="visually-hidden" role="status">
                Loading the dashboard…
              </p>
              <KpiTilesLoading />
            </>
          ) : (
            <>
              <KpiTiles metrics={data.metrics} />
              {isEmpty(data) ? (
                <div className="panel empty">
                  <h2>No claims in this period</h2>
                  <p className="muted">
                    Claims you submit for {formatPeriod(data.period)} will show here. Try a longer
                    period, or the other claim type.
                  </p>
                </div>
              ) : (
                <div className="panels">
                  <MonthlyChart monthly={data.monthly} />
                  <TopCodes codes={data.topHealthServiceCodes} />
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
