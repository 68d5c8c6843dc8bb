import {
  type ClaimType,
  type Clock,
  type DashboardResponse,
  edmontonDateString,
  monthsBetween,
  type PeriodOption,
  previousPeriod,
  resolvePeriod,
} from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import { AnalyticsBusyError } from '../../../lib/errors';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import { dashboardFigures } from './dashboard-breakdowns';
import { DashboardMemo, type Span } from './dashboard-memo';
import type { RefreshService } from './refresh.service';
import { monthsBeforeWindow, retentionWindow } from './retention';

/** What GET /analytics/dashboard answers; its schema lives in packages/shared. */
export type Dashboard = DashboardResponse;

export interface DashboardServiceDeps {
  db: Database;
  reads: (tx: ProviderTx) => Pick<DashboardRepo, 'read' | 'status'>;
  refresher: Pick<RefreshService, 'refreshProvider' | 'isRefreshing' | 'onRefreshed'>;
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
  const { db, reads, refresher, clock, logger } = deps;
  const maxAgeMs = (deps.maxAgeMinutes ?? 60) * 60_000;

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
      status.outstandingAsOf !== edmontonDateString(clock.now());
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

  const memo = new DashboardMemo();
  // After a refresh, the figures this instance kept for the provider are assembled again from
  // the new cache (the refresh's callers wait for it): the physician's next read, often the
  // page's own poll, then finds them instead of reading and summing the rows itself.
  refresher.onRefreshed(async (providerId) => {
    for (const span of memo.take(providerId)) {
      await withProviderScope(db, providerId, (tx) => figuresOf(tx, span), {
        readOnly: true,
      }).catch((err: unknown) => {
        logger.error({ err, providerId }, 'assembling the dashboard after a refresh failed');
      });
    }
  });

  /**
   * The span's figures from the cache: those assembled from the same cache when the memo has
   * them (`status`: the freshness just read), else the rows read and summed, and kept.
   */
  async function figuresOf(tx: ProviderTx, span: Span, status?: FreshnessStatus) {
    const { range, months, previous } = span;
    if (status) {
      const kept = memo.get(tx.providerId, span, status);
      if (kept) return { status, figures: kept };
    }
    const read = await reads(tx).read(range);
    const figures = dashboardFigures({
      ...read,
      outstandingAsOf: read.status.outstandingAsOf,
      months,
      previousPeriod: previous,
      claimType: range.claimType,
    });
    memo.set(tx.providerId, span, read.status, figures);
    return { status: read.status, figures };
  }

  return {
    async getDashboard(
      providerId: string,
      query: { period: PeriodOption; start?: string | undefined; end?: string | undefined },
      filter: { claimType?: ClaimType | undefined } = {},
    ): Promise<Dashboard> {
      const period = resolvePeriod(query.period, clock, query);
      const previous = previousPeriod(period);
      const months = monthsBetween(period.start, period.end);
      const span: Span = {
        range: { ...period, claimType: filter.claimType, previous },
        months,
        previous,
      };
      const window = retentionWindow(clock);
      const earlier = monthsBeforeWindow(window, [
        ...monthsBetween(previous.start, previous.end),
        ...months,
      ]);
      const scoped = <T>(work: (tx: ProviderTx) => Promise<T>) =>
        withProviderScope(db, providerId, work, { readOnly: true });
      // One unit of work: the freshness, then the figures unless the cache is cold.
      const first = await scoped(async (tx) => {
        const seen = await reads(tx).status(earlier);
        const verdict = judge(providerId, seen.status, {
          window,
          earlier,
          missing: seen.missingMonths,
        });
        if (verdict.state === 'cold') return { verdict };
        return { verdict, ...(await figuresOf(tx, span, seen.status)) };
      });
      const { verdict } = first;
      const { status, figures } =
        'figures' in first
          ? first
          : await refreshNow(providerId, first.verdict.needed).then(() =>
              scoped((tx) => figuresOf(tx, span)),
            );
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
