import { type Clock, edmontonDateString } from '@meritum/shared';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import type { MetricsCalculator } from '../metrics/metrics-calculator';
import type { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';
import type { FreshnessRepo } from '../repos/freshness.repo';

/** The repositories a refresh uses, built on its unit of work. */
export interface RefreshRepos {
  cache: Pick<AnalyticsCacheRepo, 'bulkUpsert' | 'deleteSuperseded' | 'deleteOutstandingBefore'>;
  freshness: Pick<
    FreshnessRepo,
    'tryLockRefresh' | 'dirtyMonths' | 'holdVersion' | 'consumeDirtyMonths' | 'recordRefresh'
  >;
  calculator: Pick<MetricsCalculator, 'compute'>;
}

export interface RefreshServiceDeps {
  db: Database;
  repos: (tx: ProviderTx) => RefreshRepos;
  /** Today in Edmonton is the day the outstanding figures are computed for. */
  clock: Clock;
}

export type RefreshOutcome =
  | { status: 'refreshed'; months: number; rows: number; sourceVersion: string }
  /** Another instance holds this provider's refresh lock; its refresh will do. */
  | { status: 'busy' };

interface Run {
  promise: Promise<RefreshOutcome>;
  months: Set<string>;
}

export interface RefreshRequest {
  /** Months to recompute besides the dirty ones (first days, 'YYYY-MM-DD'). */
  months?: readonly string[];
  /**
   * Whether a refresh already running may answer, when it covers `months`. True for readers
   * who only want fresher values; false after a commit, which a refresh started before it may
   * have missed: then a refresh starting after the call is waited for.
   */
  joinRunning?: boolean;
}

/**
 * Recomputes a provider's cache from its claims: its dirty months, plus any months asked for,
 * and its outstanding figures as of today.
 * One refresh per provider at a time: callers join a running refresh in this process, and a
 * transaction-scoped advisory lock keeps other instances out. Everything is written in one
 * transaction, so a failure leaves the previous values, and the dirty months, in place.
 */
export class RefreshService {
  private readonly running = new Map<string, Run>();
  /** At most one refresh waiting per provider: it starts when the running one ends. */
  private readonly queued = new Map<string, Run>();
  private readonly listeners = new Set<(providerId: string) => Promise<void>>();

  constructor(private readonly deps: RefreshServiceDeps) {}

  /**
   * Runs `listener` after each refresh of a provider has committed, unless another refresh of
   * the provider is queued behind it (that one runs it, on a newer cache, and starts sooner);
   * whoever waits for the refresh waits for it too. It handles its own failures: a refresh that
   * committed succeeded.
   */
  onRefreshed(listener: (providerId: string) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isRefreshing(providerId: string): boolean {
    return this.running.has(providerId);
  }

  async refreshProvider(providerId: string, request: RefreshRequest = {}): Promise<RefreshOutcome> {
    const months = request.months ?? [];
    const current = this.running.get(providerId);
    if (!current) return this.start(providerId, months);
    if ((request.joinRunning ?? true) && months.every((m) => current.months.has(m))) {
      return current.promise;
    }
    // Wait for a refresh that starts after this call: the queued one, which all such callers share.
    const next = this.queued.get(providerId);
    if (next) {
      for (const month of months) next.months.add(month);
      return next.promise;
    }
    const queued: Run = { months: new Set(months), promise: Promise.resolve({ status: 'busy' }) };
    queued.promise = current.promise
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(providerId);
        return this.start(providerId, [...queued.months]);
      });
    this.queued.set(providerId, queued);
    return queued.promise;
  }

  private start(providerId: string, months: readonly string[]): Promise<RefreshOutcome> {
    const promise = this.run(providerId, months)
      .finally(() => this.running.delete(providerId))
      .then(async (outcome) => {
        if (outcome.status === 'refreshed' && !this.queued.has(providerId)) {
          await Promise.allSettled([...this.listeners].map((listener) => listener(providerId)));
        }
        return outcome;
      });
    this.running.set(providerId, { promise, months: new Set(months) });
    return promise;
  }

  private run(providerId: string, months: readonly string[]): Promise<RefreshOutcome> {
    return withProviderScope(this.deps.db, providerId, async (tx) => {
      const { cache, freshness, calculator } = this.deps.repos(tx);
      if (!(await freshness.tryLockRefresh())) return { status: 'busy' as const };
      const dirty = await freshness.dirtyMonths();
      const target = [...new Set([...months, ...dirty])].sort();
      // The calculator reads claims and version in one snapshot, later than the dirty months:
      // a month dirtied in between stays dirty (its version is newer, or it was not recomputed).
      // Every refresh recomputes the outstanding figures: any claim change, or the day, moves them.
      const today = edmontonDateString(this.deps.clock.now());
      const { sourceVersion, entries } = await calculator.compute(target, today);
      const written = await cache.bulkUpsert(entries);
      await cache.deleteSuperseded(target, sourceVersion);
      await cache.deleteOutstandingBefore(today, sourceVersion);
      // Claims triggers lock the version row, then dirty months in month order; taking the
      // version row first here too keeps the dirty-month deletes from deadlocking with them.
      await freshness.holdVersion();
      await freshness.consumeDirtyMonths(target, sourceVersion);
      await freshness.recordRefresh(sourceVersion, today);
      return { status: 'refreshed' as const, months: target.length, rows: written, sourceVersion };
    });
  }
}
