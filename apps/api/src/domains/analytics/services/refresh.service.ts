import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { assertProviderId } from '../../../db/provider-scope';
import type { MetricsCalculator } from '../metrics/metrics-calculator';
import type { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';
import type { FreshnessRepo } from '../repos/freshness.repo';

/** The repositories a refresh uses, built on its own transaction. */
export interface RefreshRepos {
  cache: Pick<AnalyticsCacheRepo, 'bulkUpsert' | 'deleteSuperseded'>;
  freshness: Pick<FreshnessRepo, 'dirtyMonths' | 'consumeDirtyMonths' | 'recordRefresh'>;
  calculator: Pick<MetricsCalculator, 'compute'>;
}

export interface RefreshServiceDeps {
  db: Database;
  repos: (tx: Database) => RefreshRepos;
}

export type RefreshOutcome =
  | { status: 'refreshed'; months: number; rows: number; sourceVersion: string }
  /** Another instance holds this provider's refresh lock; its refresh will do. */
  | { status: 'busy' };

/** Advisory lock namespace of analytics refreshes (key 2 is hashtext(provider id)). */
export const REFRESH_LOCK_NAMESPACE = 7270;

interface Running {
  promise: Promise<RefreshOutcome>;
  months: ReadonlySet<string>;
}

/**
 * Recomputes a provider's cache from its claims: its dirty months, plus any months asked for.
 * One refresh per provider at a time: callers join a running refresh in this process, and a
 * transaction-scoped advisory lock keeps other instances out. Everything is written in one
 * transaction, so a failure leaves the previous values, and the dirty months, in place.
 */
export class RefreshService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: RefreshServiceDeps) {}

  isRefreshing(providerId: string): boolean {
    return this.running.has(providerId);
  }

  async refreshProvider(
    providerId: string,
    options: { months?: readonly string[] } = {},
  ): Promise<RefreshOutcome> {
    assertProviderId(providerId);
    const months = options.months ?? [];
    const current = this.running.get(providerId);
    if (current) {
      if (months.every((m) => current.months.has(m))) return current.promise;
      // It does not cover what this caller needs: go after it.
      await current.promise.catch(() => undefined);
      return this.refreshProvider(providerId, options);
    }
    const promise = this.run(providerId, months).finally(() => this.running.delete(providerId));
    this.running.set(providerId, { promise, months: new Set(months) });
    return promise;
  }

  private run(providerId: string, months: readonly string[]): Promise<RefreshOutcome> {
    return this.deps.db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ locked: boolean }>(
        sql`select pg_try_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(${providerId})) as locked`,
      );
      if (!rows[0]?.locked) return { status: 'busy' as const };

      const { cache, freshness, calculator } = this.deps.repos(tx);
      const dirty = await freshness.dirtyMonths(providerId);
      const target = [...new Set([...months, ...dirty])].sort();
      // The calculator reads claims and version in one snapshot, later than the dirty months:
      // a month dirtied in between stays dirty (its version is newer, or it was not recomputed).
      const { sourceVersion, entries } = await calculator.compute(providerId, target);
      const written = await cache.bulkUpsert(entries);
      await cache.deleteSuperseded(providerId, target, sourceVersion);
      await freshness.consumeDirtyMonths(providerId, target, sourceVersion);
      await freshness.recordRefresh(providerId, sourceVersion);
      return { status: 'refreshed' as const, months: target.length, rows: written, sourceVersion };
    });
  }
}
