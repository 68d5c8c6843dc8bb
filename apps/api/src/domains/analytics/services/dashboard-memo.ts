import type { ResolvedPeriod } from '@meritum/shared';
import { LRUCache } from 'lru-cache';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import type { dashboardFigures } from './dashboard-breakdowns';

type Figures = ReturnType<typeof dashboardFigures>;

/** What a dashboard request covers: its rows' range, its months and the period before it. */
export interface Span {
  range: Parameters<DashboardRepo['read']>[0];
  months: readonly string[];
  previous: ResolvedPeriod;
}

interface Entry {
  providerId: string;
  span: Span;
  figures: Figures;
}

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
  private readonly entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: TTL_MS });

  get(providerId: string, span: Span, status: FreshnessStatus): Figures | undefined {
    const key = keyOf(providerId, span, status);
    return key === null ? undefined : this.entries.get(key)?.figures;
  }

  set(providerId: string, span: Span, status: FreshnessStatus, figures: Figures): void {
    const key = keyOf(providerId, span, status);
    if (key !== null) this.entries.set(key, { providerId, span, figures });
  }

  /** The spans kept for a provider (each once, whatever cache it was read from), and forgets them. */
  take(providerId: string): Span[] {
    const spans = new Map<string, Span>();
    for (const [key, entry] of this.entries.entries()) {
      if (entry.providerId !== providerId) continue;
      spans.set(spanKey(entry.span), entry.span);
      this.entries.delete(key);
    }
    return [...spans.values()];
  }
}

const spanKey = ({ range }: Span) => [range.start, range.end, range.claimType ?? ''].join('|');

function keyOf(providerId: string, span: Span, status: FreshnessStatus): string | null {
  // A cache never refreshed names nothing: such a read is cold, and never kept.
  if (status.cacheVersion === null) return null;
  return [
    providerId,
    spanKey(span),
    status.cacheVersion,
    status.refreshCount,
    status.outstandingAsOf ?? '',
  ].join('|');
}
