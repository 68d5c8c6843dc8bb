import { type Clock, edmontonDateString, formatDate, parseDate } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { DashboardFiguresRepo } from '../repos/dashboard-figures.repo';
import { FIGURES_FORMAT } from './dashboard-breakdowns';
import {
  covers,
  type Opened,
  readFromWindow,
  type Span,
  sameKey,
  spanOfKey,
  standardSpans,
  summed,
  windowOf,
} from './dashboard-spans';
import type { RefreshService } from './refresh.service';

/** Spans a read may add to a provider's: the page's standard views (15 at most), a few custom. */
const MAX_KEPT_SPANS = 24;
/** Custom spans a refresh assembles again, the most recently read. */
const MAX_CUSTOM_SPANS = 9;
/** A refresh assembles again for a physician who read within this many days; no one else. */
const RECENT_DAYS = 14;

export interface KeptFiguresDeps {
  db: Database;
  repos: (tx: ProviderTx) => {
    dashboard: Pick<DashboardRepo, 'read' | 'readWindow'>;
    figures: Pick<
      DashboardFiguresRepo,
      'keep' | 'keepAll' | 'keepRecent' | 'currentSpans' | 'noteRead' | 'lockAssembly'
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
  /** A day as old as a read may be for the physician to count as reading lately. */
  const recentSince = () => daysBefore(today(), RECENT_DAYS);
  /** What spans assembled, not read, count as read on: never lately. */
  const assembledOn = () => daysBefore(today(), RECENT_DAYS + 1);
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
   * Assembles the standard spans (at least one) from one read of the rows they cover, and the
   * custom ones from it too when it covers them (else each from a read of its own), and keeps
   * them all. The caller holds the provider's assembly lock (one instance at a time: two would
   * write the same rows in other orders).
   */
  async function assemble(tx: ProviderTx, standard: readonly Span[], custom: readonly Span[]) {
    const { dashboard, figures } = repos(tx);
    const range = windowOf(standard);
    const window = await dashboard.readWindow(range);
    // A cache never computed: the first read computes it, and keeps what it reads.
    if (window.status.cacheVersion === null) return;
    const assembled = [];
    for (const span of [...standard, ...custom]) {
      const read = covers(range, span)
        ? readFromWindow(span, window)
        : await dashboard.read(span.range);
      const { status, figures: spanFigures } = summed(span, read);
      const { refreshCount } = status;
      assembled.push({
        span: span.key,
        format: FIGURES_FORMAT,
        refreshCount,
        figures: spanFigures,
      });
    }
    const readOn = assembledOn();
    await figures.keepAll(assembled.map((kept) => ({ ...kept, readOn })));
  }

  refresher.onRefreshed(async (providerId) => {
    await withProviderScope(db, providerId, async (tx) => {
      const { figures } = repos(tx);
      await figures.lockAssembly();
      const standard = standardSpans(clock);
      const keys = standard.map((s) => s.key);
      const recent = await figures.keepRecent(recentSince(), keys, MAX_CUSTOM_SPANS);
      // A physician who read no view lately (most of a night's refreshes) costs the refresh
      // nothing more.
      if (!recent.readLately) return;
      await assemble(tx, standard, recent.custom.map(spanOfKey));
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
     * A physician signed in: assembles every view the page offers that is not kept for the
     * cache as it stands, behind the sign-in, so that the first reads, however long since the
     * last, find them.
     */
    signedIn(providerId: string): void {
      behind(providerId, async (tx) => {
        const { figures } = repos(tx);
        await figures.lockAssembly();
        const current = await figures.currentSpans(FIGURES_FORMAT);
        const missing = standardSpans(clock).filter(
          (span) => !current.some((key) => sameKey(key, span.key)),
        );
        if (missing.length > 0) await assemble(tx, missing, []);
      });
    },

    /** Waits for the writes reads and sign-ins left behind (on shutdown, before the pool ends). */
    async settled(): Promise<void> {
      await Promise.allSettled([...writing]);
    },
  };
}
