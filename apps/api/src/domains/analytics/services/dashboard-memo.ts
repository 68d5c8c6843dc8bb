import type { ClaimType, ResolvedPeriod } from '@meritum/shared';
import { LRUCache } from 'lru-cache';
import type { FreshnessStatus } from '../repos/freshness.repo';
import type { dashboardFigures } from './dashboard-breakdowns';

type Figures = ReturnType<typeof dashboardFigures>;

/** Dashboards kept per API instance: a few kilobytes each. */
const MAX_ENTRIES = 500;
/** However current, an entry goes after this long: figures of a physician do not linger. */
const TTL_MS = 10 * 60_000;

/**
 * The dashboard figures last assembled from a provider's cache, per period and claim type. An
 * entry is named by what the cache held when it was read (its version, the count of refreshes
 * recorded, and the day of its outstanding figures): every write to the cache is a refresh,
 * which records itself in the same transaction, so while those three stand, reading and summing
 * the cache rows again would give the same figures. The freshness is still read on every
 * request; only the rows and their sums are spared.
 */
export class DashboardMemo {
  private readonly entries = new LRUCache<string, Figures>({ max: MAX_ENTRIES, ttl: TTL_MS });

  get(providerId: string, range: MemoRange, status: FreshnessStatus): Figures | undefined {
    const key = keyOf(providerId, range, status);
    return key === null ? undefined : this.entries.get(key);
  }

  set(providerId: string, range: MemoRange, status: FreshnessStatus, figures: Figures): void {
    const key = keyOf(providerId, range, status);
    if (key !== null) this.entries.set(key, figures);
  }
}

type MemoRange = ResolvedPeriod & { claimType?: ClaimType | undefined };

function keyOf(providerId: string, range: MemoRange, status: FreshnessStatus): string | null {
  // A cache never refreshed names nothing: such a read is cold, and never kept.
  if (status.cacheVersion === null) return null;
  return [
    providerId,
    range.start,
    range.end,
    range.claimType ?? '',
    status.cacheVersion,
    status.refreshCount,
    status.outstandingAsOf ?? '',
  ].join('|');
}
