import { type Clock, edmontonDateString, formatDate, parseDate } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { DashboardFiguresRepo } from '../repos/dashboard-figures.repo';
import { FIGURES_FORMAT } from './dashboard-breakdowns';
import {
  type Opened,
  readFromWindow,
  type Span,
  sameSpan,
  spanOfKey,
  standardSpans,
  summed,
  windowOf,
} from './dashboard-spans';
import type { RefreshService } from './refresh.service';

/** Spans kept per provider: the page's standard views (15 at most) and a few custom ones. */
const MAX_KEPT_SPANS = 24;
/** A refresh assembles again the spans read within this many days; it forgets the others. */
const RECENT_DAYS = 14;

export interface KeptFiguresDeps {
  db: Database;
  repos: (tx: ProviderTx) => {
    dashboard: Pick<DashboardRepo, 'readWindow'>;
    figures: Pick<
      DashboardFiguresRepo,
      'keep' | 'keepAll' | 'keepRecent' | 'noteRead' | 'lockAssembly'
    >;
  };
  refresher: Pick<RefreshService, 'onRefreshed'>;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
}

/** The Edmonton day `days` before `day`, both 'YYYY-MM-DD'. */
function daysBefore(day: string, days: number): string {
  const { year, month, day: date } = parseDate(day);
  const earlier = new Date(Date.UTC(year, month - 1, date - days));
  return formatDate({
    year: earlier.getUTCFullYear(),
    month: earlier.getUTCMonth() + 1,
    day: earlier.getUTCDate(),
  });
}

/**
 * The dashboard figures kept in analytics_dashboard_figures, for every instance's reads: what a
 * read assembled, kept after its answer; the day a read last asked for them; and every view the
 * page offers (standardSpans) with the custom ones read lately, assembled again from the new
 * cache after each refresh of a physician who read the dashboard in the last two weeks (the
 * refresh's callers wait for that), and when a physician signs in. So a physician's reads of
 * those views, often the page's own poll, find them.
 */
export function createKeptFigures(deps: KeptFiguresDeps) {
  const { db, repos, refresher, clock, logger } = deps;
  const today = () => edmontonDateString(clock.now());
  /** A day as old as a read may be for its span to count as read lately. */
  const recentSince = () => daysBefore(today(), RECENT_DAYS);
  /** Writes a read left behind its answer, and assemblies a sign-in started. */
  const writing = new Set<Promise<void>>();

  function behind(providerId: string, work: (tx: ProviderTx) => Promise<void>) {
    const write = withProviderScope(db, providerId, work)
      .catch((err: unknown) => {
        logger.error({ err, providerId }, 'keeping the dashboard figures failed');
      })
      .finally(() => writing.delete(write));
    writing.add(write);
  }

  /**
   * Assembles the spans from one read of the rows they cover and keeps them, under the
   * provider's assembly lock (one instance at a time: two would write the same rows in other
   * orders). They count as read on `since` at the latest: assembling is not reading.
   */
  async function assemble(tx: ProviderTx, spans: readonly Span[], since: string) {
    const { dashboard, figures } = repos(tx);
    const window = await dashboard.readWindow(windowOf(spans));
    // A cache never computed: the first read computes it, and keeps what it reads.
    if (window.status.cacheVersion === null) return;
    const { refreshCount } = window.status;
    await figures.keepAll(
      spans.map((span) => ({
        span: span.key,
        format: FIGURES_FORMAT,
        refreshCount,
        figures: summed(span, readFromWindow(span, window)).figures,
        readOn: since,
      })),
    );
  }

  refresher.onRefreshed(async (providerId) => {
    const since = recentSince();
    await withProviderScope(db, providerId, async (tx) => {
      const { figures } = repos(tx);
      await figures.lockAssembly();
      const standard = standardSpans(clock);
      const recent = await figures.keepRecent(since, MAX_KEPT_SPANS - standard.length);
      // A physician who read no view lately (most of a night's refreshes) costs the refresh
      // nothing more.
      if (recent.length === 0) return;
      const custom = recent.map(spanOfKey).filter((r) => !standard.some((s) => sameSpan(s, r)));
      await assemble(tx, [...standard, ...custom], since);
    }).catch((err: unknown) => {
      logger.error({ err, providerId }, 'assembling the dashboard after a refresh failed');
    });
  });

  return {
    /**
     * After a read has answered: keeps the figures it assembled, or notes the day it read kept
     * ones (once a day), so that spans read often stay among those a refresh assembles again.
     */
    afterRead(providerId: string, span: Span, opened: Opened, keptReadOn: string | null): void {
      const day = today();
      if (opened.assembled) {
        const { refreshCount } = opened.status;
        const kept = { format: FIGURES_FORMAT, refreshCount, figures: opened.figures, readOn: day };
        behind(providerId, (tx) => repos(tx).figures.keep(span.key, kept, MAX_KEPT_SPANS));
      } else if (keptReadOn !== null && keptReadOn < day) {
        behind(providerId, (tx) => repos(tx).figures.noteRead(span.key, day));
      }
    },

    /**
     * A physician signed in: assembles every view the page offers from the cache as it
     * stands, behind the sign-in, so that the first reads, however long since the last, find
     * them.
     */
    signedIn(providerId: string): void {
      behind(providerId, async (tx) => {
        await repos(tx).figures.lockAssembly();
        await assemble(tx, standardSpans(clock), recentSince());
      });
    },

    /** Waits for the writes reads and sign-ins left behind (on shutdown, before the pool ends). */
    async settled(): Promise<void> {
      await Promise.allSettled([...writing]);
    },
  };
}
