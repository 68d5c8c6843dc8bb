import { type Clock, edmontonDateString } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { Database } from '../../../db/client';
import type { RefreshService } from '../services/refresh.service';
import { retentionWindow } from '../services/retention';

/** Session-free lock key of the nightly run: one instance at a time runs it. */
export const NIGHTLY_LOCK_KEY = 727_010;

export interface NightlyDeps {
  /** A connection as meritum_jobs: the run's lock and its listing of providers. */
  jobsDb: Database;
  refresher: Pick<RefreshService, 'refreshProvider'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Providers refreshed at once. Default 4. */
  concurrency?: number;
  /** Providers listed per page, which bounds memory whatever their number. Default 500. */
  pageSize?: number;
}

export interface NightlyReport {
  status: 'completed';
  providers: number;
  refreshed: number;
  skipped: number;
  busy: number;
  failed: number;
  rows: number;
  durationMs: number;
}

type Candidate = {
  provider_id: string;
  data_version: string;
  cache_version: string | null;
  has_dirty_months: boolean;
  outstanding_as_of: string | null;
};

/**
 * The nightly refresh: every provider whose cache is not current gets its 24-month window
 * recomputed, with its dirty months of any year; one whose outstanding figures are of an
 * earlier day gets them recomputed. Months before the window that the cache holds
 * stay as they are: the claims triggers mark every changed month dirty, whatever its year, so a
 * stored month without a dirty mark is current, and recomputing them all would make the night
 * grow with each provider's history instead of with the window. Nothing is deleted: a month
 * before the window would then be computed again on its next request. The listing of providers
 * is the one cross-provider read (a SECURITY DEFINER function); all else is per provider.
 */
export async function runNightlyRefresh(
  deps: NightlyDeps,
): Promise<NightlyReport | { status: 'locked' }> {
  const { jobsDb, refresher, clock, logger } = deps;
  const limit = pLimit(deps.concurrency ?? 4);
  const pageSize = deps.pageSize ?? 500;
  // The lock lives as long as this transaction, which only lists providers: no snapshot is held
  // between statements, so it does not hold back vacuum.
  return jobsDb.transaction(async (tx) => {
    const { rows: lock } = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${NIGHTLY_LOCK_KEY}) as locked`,
    );
    if (!lock[0]?.locked) {
      logger.info('nightly analytics refresh already running elsewhere: skipped');
      return { status: 'locked' as const };
    }
    // It waits, idle, while a page of providers is refreshed (about a minute for 500): the
    // pool's idle-in-transaction timeout, meant for a request's transaction, would end it.
    await tx.execute(sql`set local idle_in_transaction_session_timeout = 0`);
    const started = Date.now();
    const window = retentionWindow(clock);
    const today = edmontonDateString(clock.now());
    const { rows: count } = await tx.execute<{ n: string }>(
      sql`select analytics_provider_count()::text as n`,
    );
    const total = Number(count[0]?.n ?? 0);
    const report: NightlyReport = {
      status: 'completed',
      providers: 0,
      refreshed: 0,
      skipped: 0,
      busy: 0,
      failed: 0,
      rows: 0,
      durationMs: 0,
    };
    logger.info(
      { providers: total, window: [window[0], window.at(-1)] },
      'nightly analytics refresh started',
    );

    let after: string | null = null;
    while (true) {
      const page: Candidate[] = (
        await tx.execute<Candidate>(
          sql`select provider_id, data_version::text, cache_version::text, has_dirty_months,
                       outstanding_as_of::text
                from analytics_refresh_candidates(${after}::uuid, ${pageSize})`,
        )
      ).rows;
      if (page.length === 0) break;
      await Promise.all(
        page.map((candidate) =>
          limit(async () => {
            const providerId = candidate.provider_id;
            try {
              const current =
                candidate.cache_version === candidate.data_version && !candidate.has_dirty_months;
              if (current && candidate.outstanding_as_of === today) report.skipped++;
              else if (current) {
                // Only the outstanding figures aged: a refresh of no month recomputes them.
                const outcome = await refresher.refreshProvider(providerId);
                if (outcome.status === 'refreshed') report.refreshed++;
                else report.busy++;
              } else {
                // The window and the dirty months (a refresh always adds them), of any year.
                const outcome = await refresher.refreshProvider(providerId, { months: window });
                if (outcome.status === 'refreshed') {
                  report.refreshed++;
                  report.rows += outcome.rows;
                } else report.busy++;
              }
            } catch (err) {
              report.failed++;
              logger.error({ err, providerId }, 'nightly refresh of a provider failed');
            }
            report.providers++;
          }),
        ),
      );
      after = page.at(-1)?.provider_id ?? null;
      logger.info(
        { done: report.providers, total, rows: report.rows, elapsedMs: Date.now() - started },
        'nightly analytics refresh progress',
      );
    }
    report.durationMs = Date.now() - started;
    logger.info(report, 'nightly analytics refresh finished');
    return report;
  });
}
