import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type AnalyticsCacheEntry,
  analyticsCache,
  type CacheEntryValues,
  type Dimensions,
  type MetricKey,
  OUTSTANDING_METRIC_KEYS,
} from '@meritum/shared';
import { and, asc, eq, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import { PG_FOREIGN_KEY_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import type { ProviderTx } from '../../../db/provider-scope';
import { UnknownProviderError } from '../../../lib/errors';

export type { AnalyticsCacheEntry, CacheEntryValues };

/**
 * Up to this many rows, bulkUpsert sends them as one JSON parameter of one INSERT (one round
 * trip, no bind-parameter limit). Above it, it stages them with COPY into a temporary table
 * and upserts from there: PostgreSQL takes COPY's text far faster than it parses JSON, which
 * cost a 100,000-row batch about as much as the upsert itself (docs/benchmarks.md).
 */
const JSON_MAX_ROWS = 10_000;

/**
 * The staging table: this connection's own, emptied before each use and at commit. Created the
 * first time a connection needs it; no row-level security applies to it, and nothing but the
 * transaction that filled it reads it.
 */
const STAGE = 'analytics_cache_stage';
const STAGE_SETUP = `create temp table if not exists ${STAGE} (
    metric_key text not null, period_start date not null, period_end date not null,
    dimensions jsonb not null, value numeric not null, source_version bigint not null,
    ord integer not null
  ) on commit delete rows; truncate ${STAGE}`;

const t = analyticsCache;
const conflictTarget = [t.providerId, t.metricKey, t.periodStart, t.periodEnd, t.dimensions];
const onConflict = {
  target: conflictTarget,
  set: {
    value: sql`excluded.value`,
    sourceVersion: sql`excluded.source_version`,
    // The inserted row's computed_at: now(), the transaction's start, the same for every row a
    // refresh writes. Not now() here: Citus takes only IMMUTABLE functions in DO UPDATE SET.
    computedAt: sql`excluded.computed_at`,
  },
  // A value computed from an older data version never replaces one computed from a newer.
  setWhere: sql`${t.sourceVersion} <= excluded.source_version`,
};

/**
 * The analytics cache of the scope's provider: every statement filters on its provider_id, and
 * row-level security holds it to the same one. Arguments are typed and trusted: the boundary
 * (a route's schema) or the service that computed them has checked them.
 */
export class AnalyticsCacheRepo {
  constructor(private readonly tx: ProviderTx) {}

  /**
   * Rows whose metric is one of `metricKeys` and whose period lies inside [periodStart,
   * periodEnd]; with dimensions, only rows whose dimensions contain them (`@>`).
   */
  async getMetrics(
    metricKeys: readonly MetricKey[],
    periodStart: string,
    periodEnd: string,
    dimensions?: Dimensions,
  ): Promise<AnalyticsCacheEntry[]> {
    if (metricKeys.length === 0) return [];
    const filters: SQL[] = [
      eq(t.providerId, this.tx.providerId),
      inArray(t.metricKey, [...metricKeys]),
      gte(t.periodStart, periodStart),
      lte(t.periodEnd, periodEnd),
    ];
    // `@> '{}'` matches every row and jsonb_path_ops has no entries for `{}`: skip it.
    if (dimensions && Object.keys(dimensions).length > 0) {
      filters.push(sql`${t.dimensions} @> ${JSON.stringify(dimensions)}::jsonb`);
    }
    return this.tx.db
      .select()
      .from(t)
      .where(and(...filters))
      .orderBy(asc(t.metricKey), asc(t.periodStart), asc(t.periodEnd), asc(t.id));
  }

  /**
   * Writes the entries in as few statements as the chunk size allows and returns the rows
   * written (inserted or updated; rows kept because they carry a newer source_version are not
   * counted). Within the scope's transaction: all of them or none.
   */
  async bulkUpsert(entries: readonly CacheEntryValues[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows =
      entries.length <= JSON_MAX_ROWS ? recordsetOf(entries) : await this.staged(entries);
    const result = await this.tx.db
      .insert(t)
      .select(latestPerKey(this.tx.providerId, rows))
      .onConflictDoUpdate(onConflict)
      .catch(rethrowUnknownProvider);
    return result.rowCount ?? 0;
  }

  /** COPYs the rows into the staging table: the rows, as `latestPerKey` reads them. */
  private async staged(rows: readonly CacheEntryValues[]): Promise<SQL> {
    const { client } = this.tx;
    await client.query(STAGE_SETUP);
    const copy = client.query(
      copyFrom(
        `copy ${STAGE} (metric_key, period_start, period_end, dimensions, value, source_version, ord) from stdin`,
      ),
    );
    await pipeline(Readable.from(copyLines(rows)), copy);
    return sql`${sql.identifier(STAGE)}`;
  }

  /**
   * Deletes the rows in `months` (first days) computed from a version older than
   * `sourceVersion`: after a refresh has rewritten those months, what it did not rewrite is gone
   * from the claims, and a missing row means zero.
   */
  /**
   * Outstanding figures of a day before `asOf`, or of `asOf` from an older version: a bucket the
   * latest computation no longer holds. The rows of one day remain.
   */
  async deleteOutstandingBefore(asOf: string, sourceVersion: string): Promise<number> {
    const result = await this.tx.db
      .delete(t)
      .where(
        and(
          eq(t.providerId, this.tx.providerId),
          inArray(t.metricKey, [...OUTSTANDING_METRIC_KEYS]),
          sql`(${t.periodStart} <> ${asOf}::date or ${t.sourceVersion} < ${sourceVersion}::bigint)`,
        ),
      );
    return result.rowCount ?? 0;
  }

  async deleteSuperseded(months: readonly string[], sourceVersion: string): Promise<number> {
    if (months.length === 0) return 0;
    const result = await this.tx.db
      .delete(t)
      .where(
        and(
          eq(t.providerId, this.tx.providerId),
          inArray(t.periodStart, [...months]),
          lt(t.sourceVersion, sourceVersion),
        ),
      );
    return result.rowCount ?? 0;
  }
}

/**
 * One row per cache key, the last one of the batch winning, in key order: PostgreSQL refuses to
 * update a row twice in one INSERT ... ON CONFLICT, and a fixed order keeps concurrent batches
 * over overlapping keys from deadlocking. jsonb equality ignores key order, so `{a,b}` and
 * `{b,a}` are one key here as in the unique index. `rows` has the staging table's columns, in its order.
 */
function latestPerKey(providerId: string, rows: SQL): SQL {
  return sql`
    select distinct on (r.metric_key, r.period_start, r.period_end, r.dimensions)
           gen_random_uuid(), ${providerId}::uuid, r.metric_key, r.period_start, r.period_end,
           r.dimensions, r.value, r.source_version, now()
    from ${rows} as r(metric_key, period_start, period_end, dimensions, value, source_version, ord)
    order by r.metric_key, r.period_start, r.period_end, r.dimensions, r.ord desc`;
}

/**
 * The rows as jsonb_to_recordset() of one JSON parameter, numbered: one statement whatever the
 * row count, far from the 65,535 bind-parameter limit.
 */
function recordsetOf(rows: readonly CacheEntryValues[]): SQL {
  const records = JSON.stringify(
    rows.map((row) => ({
      metric_key: row.metricKey,
      period_start: row.periodStart,
      period_end: row.periodEnd,
      dimensions: row.dimensions,
      value: row.value,
      source_version: row.sourceVersion,
    })),
  );
  return sql`rows from (
      jsonb_to_recordset(${records}::jsonb)
        as (metric_key text, period_start date, period_end date, dimensions jsonb,
            value numeric, source_version bigint)
    ) with ordinality`;
}

/** Lines of 1,000 rows in COPY's text format. Only the JSON needs escaping: its backslashes. */
function* copyLines(rows: readonly CacheEntryValues[]): Generator<string> {
  for (let i = 0; i < rows.length; i += 1_000) {
    let text = '';
    for (let k = i; k < Math.min(i + 1_000, rows.length); k++) {
      const r = rows[k] as CacheEntryValues;
      const dimensions = JSON.stringify(r.dimensions).replaceAll('\\', '\\\\');
      text += `${r.metricKey}\t${r.periodStart}\t${r.periodEnd}\t${dimensions}\t${r.value}\t${r.sourceVersion}\t${k}\n`;
    }
    yield text;
  }
}

/** A foreign-key violation on insert means the provider row does not exist. */
function rethrowUnknownProvider(error: unknown): never {
  if (postgresErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new UnknownProviderError();
  throw error;
}
