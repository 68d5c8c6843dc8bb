import {
  type AnalyticsCacheEntry,
  analyticsCache,
  edmontonDateString,
  IsoDate,
  MetricsQuery,
  NewAnalyticsCacheEntry,
  type ValidAnalyticsCacheEntry,
} from '@meritum/shared';
import { and, asc, eq, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../../db/client';
import { PG_FOREIGN_KEY_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import { assertProviderId, withProviderScope } from '../../../db/provider-scope';
import {
  CrossProviderBatchError,
  UnknownProviderError,
  ValidationError,
} from '../../../lib/errors';
import { parseOrThrow } from '../../../lib/validate';

export type { AnalyticsCacheEntry, NewAnalyticsCacheEntry };
export type DimensionFilter = Record<string, string | number | boolean>;

/**
 * Rows per INSERT statement in bulkUpsert. Each statement sends one JSON parameter, so the
 * 65,535 bind-parameter limit never applies; the chunk only bounds per-statement memory.
 */
const BULK_CHUNK_ROWS = 10_000;

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

/** Up to a century: beyond it PostgreSQL's interval arithmetic overflows. */
const MaxAgeMinutes = z
  .number()
  .finite()
  .nonnegative()
  .max(100 * 366 * 24 * 60);

/**
 * The analytics cache: every method is scoped to one provider, by a WHERE clause on
 * provider_id and by row-level security (app.provider_id set for its transaction).
 */
export class AnalyticsCacheRepo {
  constructor(private readonly db: Database) {}

  async getMetrics(
    providerId: string,
    metricKeys: string[],
    periodStart: string,
    periodEnd: string,
    dimensions?: DimensionFilter,
  ): Promise<AnalyticsCacheEntry[]> {
    assertProviderId(providerId);
    const query = parseOrThrow(
      MetricsQuery,
      { providerId, metricKeys, periodStart, periodEnd, dimensions },
      'metrics query',
    );
    if (query.metricKeys.length === 0) return [];

    const filters: SQL[] = [
      eq(t.providerId, providerId),
      inArray(t.metricKey, query.metricKeys),
      gte(t.periodStart, query.periodStart),
      lte(t.periodEnd, query.periodEnd),
    ];
    // `@> '{}'` matches every row and jsonb_path_ops has no entries for `{}`: skip it.
    if (query.dimensions && Object.keys(query.dimensions).length > 0) {
      filters.push(sql`${t.dimensions} @> ${JSON.stringify(query.dimensions)}::jsonb`);
    }
    return withProviderScope(this.db, providerId, (tx) =>
      tx
        .select()
        .from(t)
        .where(and(...filters))
        .orderBy(asc(t.metricKey), asc(t.periodStart), asc(t.periodEnd), asc(t.id)),
    );
  }

  async upsertMetric(
    providerId: string,
    metricKey: string,
    periodStart: string,
    periodEnd: string,
    dimensions: DimensionFilter,
    value: string | number,
    options: { sourceVersion?: bigint | number | string } = {},
  ): Promise<AnalyticsCacheEntry> {
    assertProviderId(providerId);
    const entry = parseOrThrow(
      NewAnalyticsCacheEntry,
      { providerId, metricKey, periodStart, periodEnd, dimensions, value, ...options },
      'cache entry',
    );
    return withProviderScope(this.db, entry.providerId, async (tx) => {
      const [written] = await tx
        .insert(t)
        .values(entry)
        .onConflictDoUpdate(onConflict)
        .returning()
        .catch(rethrowUnknownProvider);
      if (written) return written;
      // The stored row came from a newer data version and was kept: return it as stored.
      const [stored] = await tx.select().from(t).where(keyEquals(entry));
      if (!stored) throw new Error('analytics_cache row vanished during upsert');
      return stored;
    });
  }

  /**
   * Writes a provider's batch atomically and returns the rows written (inserted or updated;
   * rows kept because they carry a newer source_version are not counted).
   */
  async bulkUpsert(entries: NewAnalyticsCacheEntry[]): Promise<number> {
    if (!Array.isArray(entries)) throw new ValidationError('bulkUpsert takes an array of entries');
    if (entries.length === 0) return 0;

    const providerId = singleProviderOf(entries);
    const rows = dedupeAndSort(
      parseOrThrow(z.array(NewAnalyticsCacheEntry), entries, 'cache entries'),
    );

    return withProviderScope(this.db, providerId, async (tx) => {
      let written = 0;
      for (let i = 0; i < rows.length; i += BULK_CHUNK_ROWS) {
        const result = await tx
          .insert(t)
          .select(recordsetOf(providerId, rows.slice(i, i + BULK_CHUNK_ROWS)))
          .onConflictDoUpdate(onConflict)
          .catch(rethrowUnknownProvider);
        written += result.rowCount ?? 0;
      }
      return written;
    });
  }

  /**
   * Rows computed more than `maxAgeMinutes` ago by the database clock (the statement's start,
   * not the transaction's, should a caller's transaction be long), oldest first.
   */
  async getStaleEntries(providerId: string, maxAgeMinutes: number): Promise<AnalyticsCacheEntry[]> {
    assertProviderId(providerId);
    const minutes = parseOrThrow(MaxAgeMinutes, maxAgeMinutes, 'maximum age in minutes');
    return withProviderScope(this.db, providerId, (tx) =>
      tx
        .select()
        .from(t)
        .where(
          and(
            eq(t.providerId, providerId),
            lt(
              t.computedAt,
              sql`statement_timestamp() - ${minutes}::double precision * interval '1 minute'`,
            ),
          ),
        )
        .orderBy(asc(t.computedAt), asc(t.id)),
    );
  }

  /**
   * Deletes the provider's rows in `months` (first days) computed from a version older than
   * `sourceVersion`: after a refresh has rewritten those months, what it did not rewrite is gone
   * from the claims, and a missing row means zero.
   */
  async deleteSuperseded(
    providerId: string,
    months: string[],
    sourceVersion: string,
  ): Promise<number> {
    assertProviderId(providerId);
    if (months.length === 0) return 0;
    const firstDays = parseOrThrow(z.array(IsoDate), months, 'months');
    return withProviderScope(this.db, providerId, async (tx) => {
      const result = await tx
        .delete(t)
        .where(
          and(
            eq(t.providerId, providerId),
            inArray(t.periodStart, firstDays),
            lt(t.sourceVersion, sourceVersion),
          ),
        );
      return result.rowCount ?? 0;
    });
  }

  /**
   * Deletes the provider's rows whose period ended before `olderThan`: a 'YYYY-MM-DD' date,
   * or a Date taken as its calendar date in America/Edmonton. Returns the count deleted.
   */
  async deleteExpiredEntries(providerId: string, olderThan: Date | string): Promise<number> {
    assertProviderId(providerId);
    const cutoff = parseOrThrow(IsoDate, toCutoffDate(olderThan), 'cut-off date');
    return withProviderScope(this.db, providerId, async (tx) => {
      const result = await tx
        .delete(t)
        .where(and(eq(t.providerId, providerId), lt(t.periodEnd, cutoff)));
      return result.rowCount ?? 0;
    });
  }
}

function keyEquals(entry: ValidAnalyticsCacheEntry): SQL | undefined {
  return and(
    eq(t.providerId, entry.providerId),
    eq(t.metricKey, entry.metricKey),
    eq(t.periodStart, entry.periodStart),
    eq(t.periodEnd, entry.periodEnd),
    sql`${t.dimensions} = ${JSON.stringify(entry.dimensions)}::jsonb`,
  );
}

/** The batch's one provider id; a batch that mixes providers writes nothing. */
function singleProviderOf(entries: readonly NewAnalyticsCacheEntry[]): string {
  const providerIds = new Set(
    entries.map((entry) =>
      typeof entry?.providerId === 'string' ? entry.providerId.toLowerCase() : entry?.providerId,
    ),
  );
  if (providerIds.size > 1) throw new CrossProviderBatchError([...providerIds].map(String));
  const [providerId] = providerIds;
  assertProviderId(providerId);
  return providerId;
}

/**
 * One row per cache key, the last one winning, in key order. PostgreSQL refuses to update a
 * row twice in one INSERT ... ON CONFLICT, and a fixed order keeps concurrent batches over
 * overlapping keys from deadlocking. Dimensions were canonicalised (keys sorted) when parsed.
 */
function dedupeAndSort(entries: ValidAnalyticsCacheEntry[]): ValidAnalyticsCacheEntry[] {
  const byKey = new Map<string, ValidAnalyticsCacheEntry>();
  for (const entry of entries) {
    const dimensions = JSON.stringify(entry.dimensions);
    byKey.set(
      `${entry.metricKey}\u0000${entry.periodStart}\u0000${entry.periodEnd}\u0000${dimensions}`,
      entry,
    );
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as ValidAnalyticsCacheEntry);
}

/**
 * The rows as a SELECT over jsonb_to_recordset() of one JSON parameter: one statement whatever
 * the row count, far from the 65,535 bind-parameter limit. Its columns follow the table's
 * definition order, as insert().select() requires.
 */
function recordsetOf(providerId: string, rows: ValidAnalyticsCacheEntry[]): SQL {
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
  return sql`
    select gen_random_uuid(), ${providerId}::uuid, r.metric_key, r.period_start, r.period_end,
           r.dimensions, r.value, r.source_version, now()
    from jsonb_to_recordset(${records}::jsonb)
      as r(metric_key text, period_start date, period_end date, dimensions jsonb,
           value numeric, source_version bigint)`;
}

function toCutoffDate(value: Date | string): string {
  if (typeof value === 'string') return value;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError('cut-off must be a valid Date or a YYYY-MM-DD string');
  }
  return edmontonDateString(value);
}

/** A foreign-key violation on insert means the provider row does not exist. */
function rethrowUnknownProvider(error: unknown): never {
  if (postgresErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new UnknownProviderError();
  throw error;
}
