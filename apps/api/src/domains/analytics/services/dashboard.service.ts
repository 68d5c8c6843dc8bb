import {
  type ClaimType,
  type Clock,
  type DashboardResponse,
  edmontonDateString,
  monthsBetween,
  type PeriodOption,
  resolvePeriod,
} from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import { AnalyticsBusyError } from '../../../lib/errors';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import { FIGURES_FORMAT } from './dashboard-breakdowns';
import { type Figures, type Opened, type Span, spanOf, summed } from './dashboard-spans';
import type { createKeptFigures } from './kept-figures';
import type { RefreshService } from './refresh.service';
import { monthsBeforeWindow, retentionWindow } from './retention';

/** What GET /analytics/dashboard answers; its schema lives in packages/shared. */
export type Dashboard = DashboardResponse;

export interface DashboardServiceDeps {
  db: Database;
  reads: (tx: ProviderTx) => Pick<DashboardRepo, 'read'>;
  kept: Pick<ReturnType<typeof createKeptFigures>, 'afterRead'>;
  refresher: Pick<RefreshService, 'refreshProvider' | 'isRefreshing'>;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
  /** Cached values older than this are served, and refreshed behind. Default 60. */
  maxAgeMinutes?: number;
}

/**
 * The physician's dashboard, read from the cache alone. Fresh values are served as they are;
 * stale ones at once, with a refresh behind them; a cold cache, or a month before the window
 * never computed, is computed before answering, and kept.
 */
export function createDashboardService(deps: DashboardServiceDeps) {
  const { db, reads, kept, refresher, clock, logger } = deps;
  const maxAgeMs = (deps.maxAgeMinutes ?? 60) * 60_000;
  const today = () => edmontonDateString(clock.now());

  /**
   * The state of the figures just read; a stale read starts a refresh behind it. Months before
   * the window follow the same rules once computed: only those `missing` (never computed) are
   * cold, and an hour-old cache recomputes the ones asked for with the window.
   */
  function judge(
    providerId: string,
    status: FreshnessStatus,
    months: { window: string[]; earlier: string[]; missing: string[] },
  ) {
    const { window, earlier, missing } = months;
    if (status.cacheVersion === null || missing.length > 0) {
      const needed = status.cacheVersion === null ? [...window, ...missing] : missing;
      return { state: 'cold' as const, needed };
    }
    if (status.refreshing || refresher.isRefreshing(providerId)) {
      return { state: 'refreshing' as const };
    }
    const aged = status.ageSeconds === null || status.ageSeconds * 1000 > maxAgeMs;
    // The outstanding figures age with the day, without any claim changing.
    const changed =
      status.dirtyMonths > 0 ||
      status.cacheVersion !== status.dataVersion ||
      status.outstandingAsOf !== today();
    if (!aged && !changed) return { state: 'fresh' as const };
    refresher
      .refreshProvider(providerId, aged ? { months: [...window, ...earlier] } : {})
      .catch((err: unknown) => {
        logger.error({ err, providerId }, 'background analytics refresh failed');
      });
    return { state: 'stale' as const };
  }

  /** A cold read waits for its refresh; when another instance holds the lock, for theirs. */
  async function refreshNow(providerId: string, months: string[]): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const outcome = await refresher.refreshProvider(providerId, { months, joinRunning: true });
      if (outcome.status === 'refreshed') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Another instance kept the lock longer than a request may wait: busy, not broken (503).
    throw new AnalyticsBusyError();
  }

  /** The freshness and the span's figures kept for the cache as it stands, else its rows. */
  const readSpan = (tx: ProviderTx, span: Span, earlier: string[]) =>
    reads(tx).read(span.range, earlier, { span: span.key, format: FIGURES_FORMAT });

  /** The span's figures as kept, or summed from the rows read. */
  const openedOf = (span: Span, read: Awaited<ReturnType<typeof readSpan>>): Opened =>
    read.kept
      ? { status: read.status, figures: read.kept as Figures, assembled: false }
      : summed(span, read);

  return {
    async getDashboard(
      providerId: string,
      query: { period: PeriodOption; start?: string | undefined; end?: string | undefined },
      filter: { claimType?: ClaimType | undefined } = {},
    ): Promise<Dashboard> {
      const period = resolvePeriod(query.period, clock, query);
      const span = spanOf(period, filter.claimType);
      const { previous, months } = span;
      const window = retentionWindow(clock);
      const earlier = monthsBeforeWindow(window, [
        ...monthsBetween(previous.start, previous.end),
        ...months,
      ]);
      const scoped = <T>(work: (tx: ProviderTx) => Promise<T>) =>
        withProviderScope(db, providerId, work, { readOnly: true });
      // One statement: the freshness with the figures kept for the cache as it stands, or else
      // the rows to sum; a cold cache is refreshed first, and read again.
      const { verdict, read } = await scoped(async (tx) => {
        const read = await readSpan(tx, span, earlier);
        const missing = read.missingMonths;
        return { verdict: judge(providerId, read.status, { window, earlier, missing }), read };
      });
      const final =
        verdict.state === 'cold'
          ? await refreshNow(providerId, verdict.needed).then(() =>
              scoped((tx) => readSpan(tx, span, [])),
            )
          : read;
      const opened = openedOf(span, final);
      kept.afterRead(providerId, span, opened, final.keptReadOn);
      const { status, figures } = opened;
      return {
        period,
        ...figures,
        freshness: {
          state: verdict.state,
          computedAt: status.refreshedAt?.toISOString() ?? null,
          ageSeconds:
            status.ageSeconds === null ? null : Math.max(0, Math.round(status.ageSeconds)),
          sourceVersion: status.cacheVersion,
        },
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
