import { analyticsDirtyMonths, analyticsRefreshState, BUSINESS_TIME_ZONE } from '@meritum/shared';
import { and, asc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';
import { countedStates } from '../metrics/definitions';
import { REFRESH_LOCK_NAMESPACE } from './refresh-lock';

/** Where a provider's cache stands against its claims. */
export interface FreshnessStatus {
  /** The provider's data version: bumped by every change to its claims. */
  dataVersion: string;
  /** The version the whole cache reflects; null when it was never refreshed. */
  cacheVersion: string | null;
  refreshedAt: Date | null;
  /**
   * Refreshes recorded so far (0 before the first). Every write to the provider's cache happens
   * in a refresh, which records itself in the same transaction: with the cache version, this
   * names what the cache holds.
   */
  refreshCount: number;
  /** Seconds since the last refresh, by the database clock. */
  ageSeconds: number | null;
  /** Months changed since they were last computed. */
  dirtyMonths: number;
  /** Some instance holds this provider's refresh lock right now. */
  refreshing: boolean;
  /** The Edmonton day the outstanding figures were computed for; null before the first refresh. */
  outstandingAsOf: string | null;
}

export type StatusRow = {
  data_version: string;
  cache_version: string | null;
  refreshed_at: string | null;
  refresh_count: string | null;
  age_seconds: number | null;
  dirty_months: number;
  refreshing: boolean;
  outstanding_as_of: string | null;
};

/** One row: the provider's freshness (for a statement of its own, or a CTE of another). */
export function statusQuery(providerId: string): SQL {
  return sql`
    select coalesce((select version from provider_data_versions where provider_id = ${providerId}), 0)::text as data_version,
           s.source_version::text as cache_version,
           s.refreshed_at::text as refreshed_at,
           s.refresh_count::text as refresh_count,
           s.outstanding_as_of::text as outstanding_as_of,
           extract(epoch from statement_timestamp() - s.refreshed_at)::float8 as age_seconds,
           (select count(*)::int from analytics_dirty_months d where d.provider_id = ${providerId}) as dirty_months,
           exists (select 1 from pg_locks l
                    where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                      and l.database = (select oid from pg_database where datname = current_database())
                      and l.classid = ${REFRESH_LOCK_NAMESPACE}::int::oid
                      and l.objid = hashtext(${providerId})::oid) as refreshing
    from (select 1) one
    left join analytics_refresh_state s on s.provider_id = ${providerId}`;
}

/**
 * One JSON array: the months of `months` (first days) whose figures the cache does not hold,
 * those with a counted claim (any state but draft by service month, or paid in that Edmonton
 * month) and no cache row at all. A refresh writes and deletes a month's rows all together, and
 * a month with a counted claim has at least one row, so a month with a row was computed (and is
 * current unless dirty), and a month without a counted claim is all zeros, computed or not. Each
 * month costs one index probe of the cache (by period end) and, only when it has no row, two of
 * the claims (by date of service, by payment time), each stopping at the first row; no claim is
 * summed.
 */
export function missingMonthsQuery(providerId: string, months: readonly string[]): SQL {
  if (months.length === 0) return sql`'[]'::json`;
  // The cache's probe is a scalar subquery: written as NOT EXISTS (or EXISTS), PostgreSQL hashes
  // every cache row of the provider instead of probing once per month. The CASE probes the
  // claims only for a month without rows.
  return sql`(
    select coalesce(json_agg(m.month::text order by m.month), '[]'::json)
    from unnest(${sql.param([...months])}::date[]) as m(month)
    cross join lateral (select (m.month + interval '1 month')::date as next) n
    where case when (select true from analytics_cache c
                      where c.provider_id = ${providerId}
                        and c.period_end = n.next - 1 and c.period_start = m.month
                      limit 1)
               then false
               else exists (select 1 from claims k
                             where k.provider_id = ${providerId}
                               and k.date_of_service >= m.month and k.date_of_service < n.next
                               and k.state = any (${sql.param(countedStates('service_month'))}::claim_state[]))
                    or exists (select 1 from claims k
                                where k.provider_id = ${providerId}
                                  and k.paid_at >= (m.month::timestamp at time zone ${BUSINESS_TIME_ZONE})
                                  and k.paid_at < (n.next::timestamp at time zone ${BUSINESS_TIME_ZONE})
                                  and k.state = any (${sql.param(countedStates('payment_month'))}::claim_state[]))
          end)`;
}

export function toFreshnessStatus(row: StatusRow | undefined): FreshnessStatus {
  return {
    dataVersion: row?.data_version ?? '0',
    cacheVersion: row?.cache_version ?? null,
    refreshedAt: row?.refreshed_at ? new Date(row.refreshed_at) : null,
    refreshCount: Number(row?.refresh_count ?? 0),
    ageSeconds: row?.age_seconds ?? null,
    dirtyMonths: row?.dirty_months ?? 0,
    refreshing: row?.refreshing ?? false,
    outstandingAsOf: row?.outstanding_as_of ?? null,
  };
}

/** Data versions, dirty months and refresh state of the scope's provider: the bookkeeping of freshness. */
export class FreshnessRepo {
  constructor(private readonly tx: ProviderTx) {}

  /**
   * Takes the provider's refresh lock for this transaction, if no other session holds it: one
   * refresh per provider at a time, across instances. Whether it was taken.
   */
  async tryLockRefresh(): Promise<boolean> {
    const { rows } = await this.tx.db.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(${this.tx.providerId})) as locked`,
    );
    return rows[0]?.locked === true;
  }

  async dirtyMonths(): Promise<string[]> {
    const rows = await this.tx.db
      .select({ month: analyticsDirtyMonths.month })
      .from(analyticsDirtyMonths)
      .where(eq(analyticsDirtyMonths.providerId, this.tx.providerId))
      .orderBy(asc(analyticsDirtyMonths.month));
    return rows.map((r) => r.month);
  }

  /**
   * Locks the provider's version row (FOR SHARE) until the transaction ends: claim changes,
   * which update that row first, wait until then, so they never hold a dirty month this
   * transaction is about to delete.
   */
  async holdVersion(): Promise<void> {
    await this.tx.db.execute(
      sql`select 1 from provider_data_versions where provider_id = ${this.tx.providerId} for share`,
    );
  }

  /** Forgets the months recomputed from `version`; a month dirtied later stays dirty. */
  async consumeDirtyMonths(months: readonly string[], version: string): Promise<number> {
    if (months.length === 0) return 0;
    const result = await this.tx.db
      .delete(analyticsDirtyMonths)
      .where(
        and(
          eq(analyticsDirtyMonths.providerId, this.tx.providerId),
          inArray(analyticsDirtyMonths.month, [...months]),
          lte(analyticsDirtyMonths.dirtyVersion, version),
        ),
      );
    return result.rowCount ?? 0;
  }

  /**
   * Notes a finished refresh and the day its outstanding figures are for; the cache version
   * only ever moves forward.
   */
  async recordRefresh(version: string, outstandingAsOf: string): Promise<void> {
    await this.tx.db
      .insert(analyticsRefreshState)
      .values({
        providerId: this.tx.providerId,
        sourceVersion: version,
        refreshedAt: sql`now()`,
        refreshCount: 1,
        outstandingAsOf,
      })
      .onConflictDoUpdate({
        target: analyticsRefreshState.providerId,
        set: {
          sourceVersion: sql`greatest(${analyticsRefreshState.sourceVersion}, excluded.source_version)`,
          // The inserted row's now(): Citus takes only IMMUTABLE functions in DO UPDATE SET.
          refreshedAt: sql`excluded.refreshed_at`,
          refreshCount: sql`${analyticsRefreshState.refreshCount} + 1`,
          outstandingAsOf: sql`excluded.outstanding_as_of`,
        },
      });
  }
}
