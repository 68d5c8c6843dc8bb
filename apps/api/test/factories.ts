import { randomUUID } from 'node:crypto';
import type { CacheEntryValues } from '@meritum/shared';
import type pg from 'pg';

let sequence = 0;

/** Inserts a provider as the owner (behind the application's back) and returns its id. */
export async function createProvider(
  admin: pg.Pool,
  overrides: { name?: string; billingNumber?: string } = {},
): Promise<string> {
  const id = randomUUID();
  sequence += 1;
  await ownerQuery(
    admin,
    id,
    'insert into providers (id, name, billing_number) values ($1, $2, $3)',
    [
      id,
      overrides.name ?? `Dr. Test ${sequence}`,
      overrides.billingNumber ?? `${process.pid}-${sequence}-${id.slice(0, 8)}`,
    ],
  );
  return id;
}

/** A cache entry with sensible defaults: November 2026 claims_count of 1, at data version 0. */
export function cacheEntry(overrides: Partial<CacheEntryValues> = {}): CacheEntryValues {
  return {
    metricKey: 'claims_count',
    periodStart: '2026-11-01',
    periodEnd: '2026-11-30',
    dimensions: {},
    value: '1',
    sourceVersion: '0',
    ...overrides,
  };
}

/** The first day and last day of each month from `start` ('YYYY-MM'), `count` months on. */
export function months(
  start: string,
  count: number,
): Array<{ periodStart: string; periodEnd: string }> {
  const [year, month] = start.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const first = new Date(Date.UTC(year, month - 1 + i, 1));
    const last = new Date(Date.UTC(year, month + i, 0));
    return {
      periodStart: first.toISOString().slice(0, 10),
      periodEnd: last.toISOString().slice(0, 10),
    };
  });
}

/**
 * Runs SQL as the owner inside a transaction scoped to one provider: behind the repository's
 * back, yet under row-level security should the owner not be a superuser.
 */
export async function ownerQuery(
  admin: pg.Pool,
  providerId: string,
  text: string,
  params: unknown[] = [],
): Promise<pg.QueryResult> {
  const client = await admin.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('app.provider_id', $1, true)`, [providerId]);
    const result = await client.query(text, params);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

/** Every row of a provider, read as the owner, bypassing the repository. */
export async function rowsOf(admin: pg.Pool, providerId: string) {
  const { rows } = await ownerQuery(
    admin,
    providerId,
    `select metric_key, period_start::text, period_end::text, dimensions, value::text,
            source_version::text, computed_at
       from analytics_cache where provider_id = $1
      order by metric_key, period_start, period_end, dimensions::text`,
    [providerId],
  );
  return rows;
}

/**
 * Sets how many refreshes the provider's cache records (its state row made if need be), behind
 * the refresh's back: what kept dashboard figures are matched against.
 */
export function setRefreshCount(admin: pg.Pool, providerId: string, count: number) {
  return ownerQuery(
    admin,
    providerId,
    `insert into analytics_refresh_state (provider_id, source_version, refreshed_at, refresh_count)
     values ($1, 0, now(), $2)
     on conflict (provider_id) do update set refresh_count = excluded.refresh_count`,
    [providerId, count],
  );
}
