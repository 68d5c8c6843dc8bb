import type { AnalyticsCacheEntry, CacheEntryValues } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/db';
import { createProvider, months, ownerQuery } from '../test/factories';
import { runInterleaved, type Step } from '../test/interleave';
import { scopedRepo } from '../test/scoped';
import type { Database } from './db/client';
import { AnalyticsCacheRepo } from './domains/analytics/repos/analytics-cache.repo';

const ctx = useTestDatabase();
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 120_000;
const RUNS_PER_WALL = 375;

// The three providers share one small key space, so that a leak lands on a key the victim has.
const METRIC_KEYS = ['claims_count', 'billed_amount', 'paid_amount'] as const;
const PERIODS = [
  ...months('2026-01', 4),
  { periodStart: '2026-01-01', periodEnd: '2026-03-31' }, // a quarter, overlapping the months
];
const DIMENSIONS: Array<Record<string, string>> = [
  {},
  { claim_type: 'AHCIP' },
  { claim_type: 'WCB' },
  { claim_type: 'AHCIP', health_service_code: '03.03A' },
  { health_service_code: '03.03A', claim_type: 'AHCIP' }, // the same key, written the other way
];
const FILTERS: Array<Record<string, string> | undefined> = [
  undefined,
  {},
  { claim_type: 'AHCIP' },
  { claim_type: 'WCB' },
  { health_service_code: '03.03A' },
];
const FIRST_DAYS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'];

interface Written {
  metricKey: (typeof METRIC_KEYS)[number];
  period: { periodStart: string; periodEnd: string };
  dimensions: Record<string, string>;
  value: string;
  sourceVersion: number;
}

type RepoOp =
  | { kind: 'bulk'; entries: Written[] }
  | {
      kind: 'get';
      metricKeys: Array<(typeof METRIC_KEYS)[number]>;
      start: string;
      end: string;
      dimensions: Record<string, string> | undefined;
    }
  | { kind: 'supersede'; months: string[]; version: number };

const money = fc
  .integer({ min: 0, max: 999_999 })
  .map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);
const written: fc.Arbitrary<Written> = fc.record({
  metricKey: fc.constantFrom(...METRIC_KEYS),
  period: fc.constantFrom(...PERIODS),
  dimensions: fc.constantFrom(...DIMENSIONS),
  value: money,
  sourceVersion: fc.integer({ min: 0, max: 3 }),
});
const repoOp: fc.Arbitrary<RepoOp> = fc.oneof(
  // One entry is as likely as several: a single write is a batch of one.
  { weight: 3, arbitrary: written.map((entry) => ({ kind: 'bulk' as const, entries: [entry] })) },
  {
    weight: 3,
    arbitrary: fc
      .array(written, { minLength: 1, maxLength: 6 })
      .map((entries) => ({ kind: 'bulk' as const, entries })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({
        metricKeys: fc.subarray([...METRIC_KEYS]),
        from: fc.constantFrom('2025-12-01', '2026-01-01', '2026-02-01', '2026-02-15'),
        to: fc.constantFrom('2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-12-31'),
        dimensions: fc.constantFrom(...FILTERS),
      })
      .map(({ metricKeys, from, to, dimensions }) => {
        const [start, end] = [from, to].sort() as [string, string];
        return { kind: 'get' as const, metricKeys, start, end, dimensions };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('supersede' as const),
      months: fc.subarray(FIRST_DAYS),
      version: fc.integer({ min: 0, max: 4 }),
    }),
  },
);
/** Each provider first fills some of the shared keys (one concurrent wave), then steps interleave. */
const steps: fc.Arbitrary<Array<Step<RepoOp>>> = fc
  .tuple(
    fc.array(fc.array(written, { minLength: 1, maxLength: 10 }), { minLength: 3, maxLength: 3 }),
    fc.array(fc.record({ provider: fc.integer({ min: 0, max: 2 }), op: repoOp }), {
      minLength: 1,
      maxLength: 16,
    }),
  )
  .map(([seeds, rest]) => [
    ...seeds.map((entries, provider) => ({ provider, op: { kind: 'bulk' as const, entries } })),
    ...rest,
  ]);

/** What a row says, apart from its id, provider and computed_at: comparable with the model. */
interface Stored {
  metricKey: string;
  periodStart: string;
  periodEnd: string;
  dimensions: string;
  value: string;
  sourceVersion: string;
}

const canonical = (dimensions: object) =>
  JSON.stringify(
    Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
const keyOf = (row: Pick<Stored, 'metricKey' | 'periodStart' | 'periodEnd' | 'dimensions'>) =>
  `${row.metricKey}|${row.periodStart}|${row.periodEnd}|${row.dimensions}`;
const sorted = (rows: Stored[]) => [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
const storedOf = (w: Written): Stored => ({
  metricKey: w.metricKey,
  ...w.period,
  dimensions: canonical(w.dimensions),
  value: w.value,
  sourceVersion: String(w.sourceVersion),
});
const fromEntry = (e: AnalyticsCacheEntry): Stored => ({
  metricKey: e.metricKey,
  periodStart: e.periodStart,
  periodEnd: e.periodEnd,
  dimensions: canonical(e.dimensions),
  value: e.value,
  sourceVersion: String(e.sourceVersion),
});

/**
 * One provider's cache as the contract says it should be, written by that provider's own
 * steps alone. Each method predicts what the repository answers and applies the change.
 */
class CacheModel {
  readonly rows = new Map<string, Stored>();

  /** The row stored after writing `w`: a newer source_version already stored is kept. */
  write(w: Written): { stored: Stored; wrote: boolean } {
    const next = storedOf(w);
    const current = this.rows.get(keyOf(next));
    if (current && BigInt(current.sourceVersion) > BigInt(next.sourceVersion)) {
      return { stored: current, wrote: false };
    }
    this.rows.set(keyOf(next), next);
    return { stored: next, wrote: true };
  }

  /** A batch: duplicate keys last-wins, then each key written once. Returns the rows written. */
  writeBatch(entries: Written[]): number {
    const last = new Map(entries.map((w) => [keyOf(storedOf(w)), w]));
    return [...last.values()].filter((w) => this.write(w).wrote).length;
  }

  select(op: Extract<RepoOp, { kind: 'get' }>): Stored[] {
    const filter = Object.entries(op.dimensions ?? {});
    return [...this.rows.values()].filter((row) => {
      const dims = JSON.parse(row.dimensions) as Record<string, string>;
      return (
        (op.metricKeys as readonly string[]).includes(row.metricKey) &&
        row.periodStart >= op.start &&
        row.periodEnd <= op.end &&
        filter.every(([name, value]) => dims[name] === value)
      );
    });
  }

  deleteWhere(predicate: (row: Stored) => boolean): number {
    const doomed = [...this.rows].filter(([, row]) => predicate(row));
    for (const [key] of doomed) this.rows.delete(key);
    return doomed.length;
  }
}

/** Every row stored for a provider, read as the owner with its WHERE clause. */
async function storedRows(providerId: string): Promise<Stored[]> {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select metric_key, period_start::text, period_end::text, dimensions, value::text,
            source_version::text
       from analytics_cache where provider_id = $1`,
    [providerId],
  );
  return sorted(
    rows.map((r) => ({
      metricKey: r.metric_key,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      dimensions: canonical(r.dimensions),
      value: r.value,
      sourceVersion: r.source_version,
    })),
  );
}

/** Plays one step against the repository and holds every answer against the provider's model. */
async function play(
  database: Database,
  providers: readonly string[],
  models: readonly CacheModel[],
  { provider, op }: Step<RepoOp>,
): Promise<void> {
  const p = providers[provider] as string;
  const model = models[provider] as CacheModel;
  // Each call its own unit of work for the step's provider, as a service would make it.
  const repo = scopedRepo(database, p, (tx) => new AnalyticsCacheRepo(tx));
  const mine = (rows: AnalyticsCacheEntry[]) => {
    expect(rows.map((r) => r.providerId)).toEqual(rows.map(() => p));
    return sorted(rows.map(fromEntry));
  };
  const entry = (w: Written): CacheEntryValues => ({
    metricKey: w.metricKey,
    ...w.period,
    dimensions: w.dimensions,
    value: w.value,
    sourceVersion: String(w.sourceVersion),
  });
  switch (op.kind) {
    case 'bulk': {
      const count = await repo.bulkUpsert(op.entries.map(entry));
      expect(count).toBe(model.writeBatch(op.entries));
      return;
    }
    case 'get': {
      const rows = await repo.getMetrics(op.metricKeys, op.start, op.end, op.dimensions);
      expect(mine(rows)).toEqual(sorted(model.select(op)));
      return;
    }
    case 'supersede': {
      const count = await repo.deleteSuperseded(op.months, String(op.version));
      expect(count).toBe(
        model.deleteWhere(
          (row) => op.months.includes(row.periodStart) && BigInt(row.sourceVersion) < op.version,
        ),
      );
      return;
    }
  }
}

describe('AnalyticsCacheRepo under interleaved use by three providers', () => {
  it.each([
    ['as meritum_app, under row-level security', () => ctx.db],
    // The owner (a superuser here) bypasses row-level security: only the WHERE clauses protect.
    [
      'as the owner, with the WHERE clauses alone',
      () => drizzle({ client: ctx.admin }) as Database,
    ],
  ])(
    "answers every method with the provider's own rows and counts only, %s",
    async (_, database) => {
      const db = database();
      await fc.assert(
        fc.asyncProperty(steps, async (generated) => {
          const providers = await Promise.all([0, 1, 2].map(() => createProvider(ctx.admin)));
          const models = providers.map(() => new CacheModel());

          await runInterleaved(generated, (step) => play(db, providers, models, step));

          for (const [i, p] of providers.entries()) {
            expect(await storedRows(p)).toEqual(
              sorted([...(models[i] as CacheModel).rows.values()]),
            );
          }
          const { rows: counts } = await ctx.admin.query<{ provider_id: string; rows: number }>(
            `select provider_id, count(*)::int as rows from analytics_cache
              where provider_id = any($1::uuid[]) group by provider_id`,
            [providers],
          );
          const expected = providers
            .map((p, i) => ({ provider_id: p, rows: (models[i] as CacheModel).rows.size }))
            .filter(({ rows }) => rows > 0);
          expect(sortBy(counts, 'provider_id')).toEqual(sortBy(expected, 'provider_id'));
        }),
        { numRuns: RUNS_PER_WALL },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

const sortBy = <T>(rows: T[], field: keyof T) =>
  [...rows].sort((a, b) => (String(a[field]) < String(b[field]) ? -1 : 1));
