import { type Clock, systemClock } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from '../src/db/client';
import { MetricsCalculator } from '../src/domains/analytics/metrics/metrics-calculator';
import { AnalyticsCacheRepo } from '../src/domains/analytics/repos/analytics-cache.repo';
import { FreshnessRepo } from '../src/domains/analytics/repos/freshness.repo';
import { RefreshService } from '../src/domains/analytics/services/refresh.service';

export interface PausedRefresh {
  /** The backend holding the refresh's transaction. */
  pid: number;
  /** Rows the refresh wrote, uncommitted, before it paused. */
  written: number;
}

/**
 * The real refresh, whose refreshes from the `pauseFrom`-th on stop inside their transaction once
 * they have written their rows: `idle` waits for `letGo()` between two statements, `sleeping`
 * sits in a long statement. A test ends their connections meanwhile, as a crash would.
 */
export function killableRefresher(
  db: Database,
  options: { pauseFrom: number; mode: 'idle' | 'sleeping'; clock?: Clock },
) {
  let writes = 0;
  const paused: PausedRefresh[] = [];
  const waiters: Array<{ count: number; resolve: (paused: PausedRefresh[]) => void }> = [];
  let letGo: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    letGo = resolve;
  });

  const refresher = new RefreshService({
    db,
    clock: options.clock ?? systemClock,
    repos: (tx) => {
      const cache = new AnalyticsCacheRepo(tx);
      return {
        cache: {
          async bulkUpsert(entries) {
            const written = await cache.bulkUpsert(entries);
            writes += 1;
            if (writes < options.pauseFrom) return written;
            const { rows } = await tx.db.execute<{ pid: number }>(
              sql`select pg_backend_pid() as pid`,
            );
            paused.push({ pid: Number(rows[0]?.pid), written });
            for (const waiter of waiters) {
              if (paused.length >= waiter.count) waiter.resolve([...paused]);
            }
            if (options.mode === 'sleeping') await tx.db.execute(sql`select pg_sleep(60)`);
            else await released;
            return written;
          },
          deleteSuperseded: (...args) => cache.deleteSuperseded(...args),
          deleteOutstandingBefore: (...args) => cache.deleteOutstandingBefore(...args),
        },
        freshness: new FreshnessRepo(tx),
        calculator: new MetricsCalculator(tx),
      };
    },
  });

  return {
    refresher,
    /** Resolves once `count` refreshes have paused, with their backends. */
    paused: (count: number) =>
      new Promise<PausedRefresh[]>((resolve) => {
        if (paused.length >= count) resolve([...paused]);
        else waiters.push({ count, resolve });
      }),
    /** Lets idle refreshes go on to their next statement. */
    letGo: () => letGo(),
  };
}

/** Waits until these backends have exited (after pg_terminate_backend). */
export async function backendsGone(admin: pg.Pool, pids: number[]): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await admin.query('select 1 from pg_stat_activity where pid = any($1)', [
      pids,
    ]);
    if (rows.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`backends ${pids.join(', ')} never exited`);
}
