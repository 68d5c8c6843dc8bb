import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CacheEntryValues } from '@meritum/shared';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../src/db/client';
import { withProviderScope } from '../src/db/provider-scope';
import { AnalyticsCacheRepo } from '../src/domains/analytics/repos/analytics-cache.repo';
import { type BenchContext, type Benchmark, median, round, timed } from './harness';

const ROWS = 100_000;

/** 100,000 distinct keys: January of 24 years x ~4,167 health service codes, values tagged by round. */
function entries(pass: number): CacheEntryValues[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const year = 2000 + (i % 24);
    return {
      metricKey: 'billed_amount',
      periodStart: `${year}-01-01`,
      periodEnd: `${year}-01-31`,
      dimensions: { health_service_code: `HSC${Math.floor(i / 24)}` },
      value: `${i}.${String(pass % 100).padStart(2, '0')}`,
      sourceVersion: String(pass),
    };
  });
}

const escapeCopyText = (text: string) =>
  text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );

/** COPY ... FROM STDIN of the same rows, text format, timed from serialisation to commit. */
async function copyInto(
  ctx: BenchContext,
  table: string,
  providerId: string,
  rows: CacheEntryValues[],
) {
  const client = await ctx.admin.connect();
  try {
    await client.query(`truncate ${table}`);
    const text = rows
      .map(
        (r) =>
          `${randomUUID()}\t${providerId}\t${r.metricKey}\t${r.periodStart}\t${r.periodEnd}\t${escapeCopyText(JSON.stringify(r.dimensions))}\t${r.value}\t${r.sourceVersion}\n`,
      )
      .join('');
    await pipeline(
      Readable.from([text]),
      client.query(
        copyFrom(
          `copy ${table} (id, provider_id, metric_key, period_start, period_end, dimensions, value, source_version) from stdin`,
        ),
      ),
    );
  } finally {
    client.release();
  }
}

/**
 * The upsert's server-side floor: the staged rows, already in the database, upserted by the
 * owner in one statement (no client work, no transfer, no row-level security).
 */
const serverSideUpsert = (version: number) => `
  insert into analytics_cache
  select gen_random_uuid(), provider_id, metric_key, period_start, period_end, dimensions, value,
         ${version}, now()
  from bench_scratch_shaped
  on conflict (provider_id, metric_key, period_start, period_end, dimensions) do update
    set value = excluded.value, source_version = excluded.source_version, computed_at = now()
    where analytics_cache.source_version <= excluded.source_version`;

export const bulkUpsertVsCopy: Benchmark = {
  id: 'bulk-upsert-vs-copy',
  async run(ctx) {
    const rounds = ctx.size === 'large' ? 7 : 3;
    const providerId = randomUUID();
    await ctx.admin.query(
      `begin; select set_config('app.provider_id', '${providerId}', true);
       insert into providers (id, name, billing_number) values ('${providerId}', 'Bench', 'bench-${providerId}'); commit;`,
    );
    // Scratch tables: one bare (the transfer floor), one shaped like analytics_cache
    // (same columns, defaults, constraints, indexes and storage: a like-for-like load).
    await ctx.admin.query(`
      create table bench_scratch_bare (like analytics_cache including defaults);
      create table bench_scratch_shaped (like analytics_cache including all);`);

    // One unit of work per call, as a refresh writes: the scope's transaction, then the upsert.
    const bulkUpsert = (db: Database, rows: CacheEntryValues[]) =>
      withProviderScope(db, providerId, (tx) => new AnalyticsCacheRepo(tx).bulkUpsert(rows));
    await bulkUpsert(ctx.db, entries(0));

    const upsertMs: number[] = [];
    const bareMs: number[] = [];
    const shapedMs: number[] = [];
    const serverMs: number[] = [];
    for (let pass = 1; pass <= rounds; pass++) {
      const rows = entries(2 * pass);
      const upsert = await timed(() => bulkUpsert(ctx.db, rows));
      if (upsert.result !== ROWS)
        throw new Error(`bulkUpsert wrote ${upsert.result} rows, not ${ROWS}`);
      upsertMs.push(upsert.ms);
      bareMs.push((await timed(() => copyInto(ctx, 'bench_scratch_bare', providerId, rows))).ms);
      shapedMs.push(
        (await timed(() => copyInto(ctx, 'bench_scratch_shaped', providerId, rows))).ms,
      );
      serverMs.push((await timed(() => ctx.admin.query(serverSideUpsert(2 * pass + 1)))).ms);
      ctx.log(`  round ${pass}/${rounds}: bulkUpsert ${Math.round(upsert.ms)} ms`);
    }
    await ctx.admin.query('drop table bench_scratch_bare, bench_scratch_shaped');

    const rate = (ms: number[]) => round(ROWS / (median(ms) / 1000));
    const figures = (ms: number[]) => ({ 'median ms': round(median(ms)), 'rows/s': rate(ms) });
    return {
      id: this.id,
      title: `bulkUpsert of ${ROWS.toLocaleString('en-CA')} rows onto existing keys vs COPY`,
      description:
        'Each round rewrites every key with a new value and a newer source_version through ' +
        'AnalyticsCacheRepo.bulkUpsert in withProviderScope (rows staged with COPY into a temporary ' +
        'table, then one upsert from it with dedupe and key order in SQL, under row-level security, ' +
        'one transaction), ' +
        'then COPYs the same rows from the same process into two scratch tables: one bare, one with ' +
        "analytics_cache's indexes and constraints; last, the staged rows are upserted again " +
        `server-side, the floor any client could reach. Median of ${rounds} rounds.`,
      measurements: [
        { label: 'bulkUpsert onto existing keys', figures: figures(upsertMs) },
        { label: 'COPY into a bare scratch table (baseline)', figures: figures(bareMs) },
        {
          label: 'COPY into a scratch table shaped like analytics_cache',
          figures: figures(shapedMs),
        },
        {
          label: 'the same upsert server-side only, from the staged rows (floor)',
          figures: figures(serverMs),
        },
      ],
      ratio: {
        label: 'bulkUpsert rows/s ÷ bare COPY rows/s',
        value: round(rate(upsertMs) / rate(bareMs), 2),
        goal: 0.5,
      },
      notes: [
        `bulkUpsert ÷ COPY into the shaped table: ${round(rate(upsertMs) / rate(shapedMs), 2)}x`,
        `server-side floor ÷ bare COPY: ${round(rate(serverMs) / rate(bareMs), 2)}x`,
      ],
    };
  },
};
