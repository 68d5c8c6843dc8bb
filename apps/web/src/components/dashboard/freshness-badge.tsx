'use client';
import type { DashboardResponse } from '@meritum/shared/client';
import { formatInstant } from '@meritum/shared/client';
import { ApiError } from '@/lib/api';
import { formatAgo } from '@/lib/format';
import { useRefresh } from '@/lib/queries';
import { useNow } from '@/lib/use-now';

type Freshness = DashboardResponse['freshness'];

/**
 * The words for the cache's state; the age advances between reads. `secondsSinceRead` is null
 * while the figures shown are another period's, standing in until this one's arrive.
 */
export function freshnessLabel(
  freshness: Freshness,
  secondsSinceRead: number | null,
  refreshing: boolean,
) {
  if (refreshing || freshness.state === 'refreshing') return 'Refreshing...';
  if (secondsSinceRead === null) return 'Loading...';
  if (freshness.state === 'stale') return 'Data changed since the last refresh';
  if (freshness.ageSeconds === null) return 'Not computed yet';
  return `Updated ${formatAgo(freshness.ageSeconds + secondsSinceRead)}`;
}

/** What a screen reader hears: changes of state only, not the age ticking every minute. */
const announcement = (label: string) =>
  label.startsWith('Updated') ? 'Figures up to date' : label;

/**
 * How current the figures are, and the button that recomputes them. `readAt` is when these
 * figures were read; null while another period's figures stand in for the ones being read.
 */
export function FreshnessBadge({
  freshness,
  readAt,
}: {
  freshness: Freshness;
  readAt: number | null;
}) {
  const now = useNow();
  const refresh = useRefresh();
  const label = freshnessLabel(
    freshness,
    readAt === null ? null : Math.max(0, Math.floor((now - readAt) / 1000)),
    refresh.isPending,
  );
  const tone = label.endsWith('...') ? 'busy' : freshness.state === 'stale' ? 'warn' : 'ok';
  const refused = refresh.error instanceof ApiError ? refresh.error : null;

  return (
    <div className="freshness">
      <span className="visually-hidden" role="status">
        {announcement(label)}
      </span>
      <p
        className={`badge badge-${tone}`}
        data-state={freshness.state}
        title={
          freshness.computedAt
            ? `Computed ${formatInstant(freshness.computedAt)} (Edmonton)`
            : undefined
        }
      >
        {label}
      </p>
      <button
        type="button"
        className="button secondary"
        onClick={() => refresh.mutate()}
        disabled={refresh.isPending}
      >
        Refresh
      </button>
      {refresh.isError && (
        <p className="field-error" role="alert">
          {refused?.status === 429
            ? `Refreshed a moment ago; try again in ${refused.retryAfterSeconds ?? 60} seconds.`
            : `The refresh failed: ${refresh.error.message}`}
        </p>
      )}
    </div>
  );
}
