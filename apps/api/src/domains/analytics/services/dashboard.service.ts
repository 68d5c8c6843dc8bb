import {
  type ClaimType,
  type Clock,
  type DashboardResponse,
  DEFAULT_PERIOD,
  edmontonDateString,
  monthsBetween,
  type PeriodOption,
  previousPeriod,
  type ResolvedPeriod,
  resolvePeriod,
} from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import { AnalyticsBusyError } from '../../../lib/errors';
import type { DashboardRead, DashboardRepo } from '../repos/dashboard.repo';
import type { DashboardFiguresRepo, FiguresSpan } from '../repos/dashboard-figures.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import { dashboardFigures, FIGURES_FORMAT } from './dashboard-breakdowns';
import type { RefreshService } from './refresh.service';
import { monthsBeforeWindow, retentionWindow } from './retention';

/** What GET /analytics/dashboard answers; its schema lives in packages/shared. */
export type Dashboard = DashboardResponse;

export interface DashboardServiceDeps {
  db: Database;
  repos: (tx: ProviderTx) => {
    dashboard: Pick<DashboardRepo, 'read'>;
    figures: Pick<DashboardFiguresRepo, 'keep' | 'keepRecent'>;
  };
  refresher: Pick<RefreshService, 'refreshProvider' | 'isRefreshing' | 'onRefreshed'>;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
  /** Cached values older than this are served, and refreshed behind. Default 60. */
  maxAgeMinutes?: number;
}

type Figures = ReturnType<typeof dashboardFigures>;

/** What a dashboard request covers: its rows' range, its months and the period before it. */
interface Span {
  figures: FiguresSpan;
  range: Parameters<DashboardRepo['read']>[0];
  months: readonly string[];
  previous: ResolvedPeriod;
}

/** A span's figures, as found kept or as assembled by this read. */
interface Opened {
  status: FreshnessStatus;
  figures: Figures;
  assembled: boolean;
}

/** The claim type of figures that cover every claim type. */
const ALL_TYPES = 'all';
/** Spans kept per provider: the page's periods, a claim type or two, a few custom ones. */
const MAX_KEPT_SPANS = 12;
/** A refresh assembles again the spans some read assembled within this many days. */
const RECENT_DAYS = 14;

const sameSpan = (a: Span, b: Span) =>
  a.figures.start === b.figures.start &&
  a.figures.end === b.figures.end &&
  a.figures.claimType === b.figures.claimType;

function spanOf(figures: FiguresSpan): Span {
  const period = { start: figures.start, end: figures.end };
  const previous = previousPeriod(period);
  const claimType = figures.claimType === ALL_TYPES ? undefined : (figures.claimType as ClaimType);
  return {
    figures,
    range: { ...period, claimType, previous },
    months: monthsBetween(period.start, period.end),
    previous,
  };
}

/**
 * The physician's dashboard, read from the cache alone. Fresh values are served as they are;
 * stale ones at once, with a refresh behind them; a cold cache, or a month before the window
 * never computed, is computed before answering, and kept.
 */
export function createDashboardService(deps: DashboardServiceDeps) {
  const { db, repos, refresher, clock, logger } = deps;
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

  /** Writes of figures assembled by a read, which the answer does not wait for. */
  const writing = new Set<Promise<void>>();

  /** Keeps figures assembled from refresh `refreshCount`, for every instance's next reads. */
  function keep(providerId: string, span: Span, refreshCount: number, figures: Figures) {
    const kept = { format: FIGURES_FORMAT, refreshCount, figures, readOn: today() };
    const write = withProviderScope(db, providerId, (tx) =>
      repos(tx).figures.keep(span.figures, kept, MAX_KEPT_SPANS),
    )
      .catch((err: unknown) => {
        logger.error({ err, providerId }, 'keeping the dashboard figures failed');
      })
      .finally(() => writing.delete(write));
    writing.add(write);
  }

  // After a refresh, the spans of the provider read lately, and the one the page opens on, are
  // assembled again from the new cache and kept (the refresh's callers wait for it): the
  // physician's next read, on any instance and often the page's own poll, finds them instead of
  // reading and summing the rows.
  refresher.onRefreshed(async (providerId) => {
    const since = edmontonDateString(new Date(clock.now().getTime() - RECENT_DAYS * 86_400_000));
    const opening = spanOf({ ...resolvePeriod(DEFAULT_PERIOD, clock), claimType: ALL_TYPES });
    await withProviderScope(db, providerId, async (tx) => {
      const { figures } = repos(tx);
      const recent = await figures.keepRecent(since, MAX_KEPT_SPANS - 1);
      const spans = recent.map(spanOf);
      if (!spans.some((s) => sameSpan(s, opening))) spans.push(opening);
      for (const span of spans) {
        const { status, figures: assembled } = await assemble(tx, span);
        // The opening span counts as read today; any other keeps the day it was read (`since`
        // is the earlier of the two, and the later stays).
        const readOn = span === opening ? today() : since;
        const kept = { format: FIGURES_FORMAT, refreshCount: status.refreshCount, readOn };
        await figures.keep(span.figures, { ...kept, figures: assembled }, MAX_KEPT_SPANS);
      }
    }).catch((err: unknown) => {
      logger.error({ err, providerId }, 'assembling the dashboard after a refresh failed');
    });
  });

  /** The span's figures, summed from the rows read, with the freshness they were read with. */
  function summed(span: Span, read: DashboardRead): Opened {
    const figures = dashboardFigures({
      ...read,
      outstandingAsOf: read.status.outstandingAsOf,
      months: span.months,
      previousPeriod: span.previous,
      claimType: span.range.claimType,
    });
    return { status: read.status, figures, assembled: true };
  }

  /** The span's figures, read and summed from the cache rows. */
  const assemble = async (tx: ProviderTx, span: Span) =>
    summed(span, await repos(tx).dashboard.read(span.range));

  /** The freshness and the span's figures kept for the cache as it stands, else its rows. */
  const readSpan = (tx: ProviderTx, span: Span, earlier: string[]) =>
    repos(tx).dashboard.read(span.range, earlier, {
      figures: span.figures,
      format: FIGURES_FORMAT,
    });

  /** The span's figures as kept, or summed from the rows read. */
  const openedOf = (span: Span, read: DashboardRead & { kept: object | null }): Opened =>
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
      const span = spanOf({ ...period, claimType: filter.claimType ?? ALL_TYPES });
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
      const opened = openedOf(
        span,
        verdict.state === 'cold'
          ? await refreshNow(providerId, verdict.needed).then(() =>
              scoped((tx) => readSpan(tx, span, [])),
            )
          : read,
      );
      const { status, figures, assembled } = opened;
      if (assembled) keep(providerId, span, status.refreshCount, figures);
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

    /** Waits for the figures that reads are keeping (on shutdown, before the pool ends). */
    async settled(): Promise<void> {
      await Promise.allSettled([...writing]);
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
