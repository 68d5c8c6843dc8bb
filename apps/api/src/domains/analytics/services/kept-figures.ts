import { type Clock, edmontonDateString, formatDate, parseDate } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { DashboardFiguresRepo } from '../repos/dashboard-figures.repo';
import { FIGURES_FORMAT } from './dashboard-breakdowns';
import {
  type Opened,
  openingSpan,
  type Span,
  sameSpan,
  spanOfKey,
  summed,
} from './dashboard-spans';
import type { RefreshService } from './refresh.service';

/** Spans kept per provider: the page's periods, a claim type or two, a few custom ones. */
const MAX_KEPT_SPANS = 12;
/** A refresh assembles again the spans read within this many days; it forgets the others. */
const RECENT_DAYS = 14;

export interface KeptFiguresDeps {
  db: Database;
  repos: (tx: ProviderTx) => {
    dashboard: Pick<DashboardRepo, 'read'>;
    figures: Pick<DashboardFiguresRepo, 'keep' | 'keepRecent' | 'noteRead' | 'lockAssembly'>;
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
 * read assembled, kept after its answer; the day a read last asked for them; and, after each
 * refresh, the spans read lately (with the one the page opens on) assembled again from the new
 * cache (the refresh's callers wait for that), so the physician's next read, often the page's
 * own poll, finds them.
 */
export function createKeptFigures(deps: KeptFiguresDeps) {
  const { db, repos, refresher, clock, logger } = deps;
  const today = () => edmontonDateString(clock.now());
  /** Writes a read left behind its answer. */
  const writing = new Set<Promise<void>>();

  function behind(providerId: string, work: (tx: ProviderTx) => Promise<void>) {
    const write = withProviderScope(db, providerId, work)
      .catch((err: unknown) => {
        logger.error({ err, providerId }, 'keeping the dashboard figures failed');
      })
      .finally(() => writing.delete(write));
    writing.add(write);
  }

  refresher.onRefreshed(async (providerId) => {
    const day = today();
    const since = daysBefore(day, RECENT_DAYS);
    await withProviderScope(db, providerId, async (tx) => {
      const { dashboard, figures } = repos(tx);
      // One instance at a time per provider: two would write the same rows in other orders.
      await figures.lockAssembly();
      const spans = (await figures.keepRecent(since, MAX_KEPT_SPANS - 1)).map(spanOfKey);
      // A physician who read the dashboard lately gets the page's opening view too, read or
      // not; one who did not (most of a night's refreshes) costs the refresh nothing more.
      const opening = openingSpan(clock);
      if (spans.length > 0 && !spans.some((s) => sameSpan(s, opening))) spans.push(opening);
      for (const span of spans) {
        const { status, figures: assembled } = summed(span, await dashboard.read(span.range));
        // The opening span counts as read today; any other keeps the day it was read (`since`
        // is earlier, and the later of the two stays).
        const readOn = span === opening ? day : since;
        const kept = { format: FIGURES_FORMAT, refreshCount: status.refreshCount, readOn };
        await figures.keep(span.key, { ...kept, figures: assembled }, MAX_KEPT_SPANS);
      }
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

    /** Waits for the writes reads left behind (on shutdown, before the pool ends). */
    async settled(): Promise<void> {
      await Promise.allSettled([...writing]);
    },
  };
}
