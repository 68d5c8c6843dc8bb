import type { CacheEntryValues } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it, vi } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider, months, ownerQuery, rowsOf } from '../../../../test/factories';
import { scopedRepo } from '../../../../test/scoped';
import type { Database } from '../../../db/client';
import { postgresErrorCode } from '../../../db/postgres-errors';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import { InvalidProviderIdError, UnknownProviderError } from '../../../lib/errors';
import { AnalyticsCacheRepo } from './analytics-cache.repo';

const ctx = useTestDatabase();
/** The provider's cache, each call a unit of work of its own. */
const repo = (providerId: string, database: Database = ctx.db) =>
  scopedRepo(database, providerId, (tx) => new AnalyticsCacheRepo(tx));
const provider = () => createProvider(ctx.admin);
/** check_violation: a row a table constraint refuses. */
const PG_CHECK_VIOLATION = '23514';

/**
 * Runs `work` in one unit of work for the provider, on a connection of its own whose Drizzle
 * logger records every statement sent inside the scope (the pool path sends BEGIN and SET
 * behind Drizzle's back, so it would record nothing).
 */
async function withSpiedScope<T>(
  providerId: string,
  work: (tx: ProviderTx, queries: string[]) => Promise<T>,
): Promise<T> {
  const client = await ctx.pool.connect();
  try {
    const queries: string[] = [];
    const spied = drizzle({ client, logger: { logQuery: (q) => queries.push(q) } });
    return await withProviderScope(spied, providerId, (tx) => work(tx, queries));
  } finally {
    client.release();
  }
}

/** January, February and March 2026, each as its first and last day. */
const firstQuarter2026 = () =>
  months('2026-01', 3) as [
    ReturnType<typeof months>[number],
    ReturnType<typeof months>[number],
    ReturnType<typeof months>[number],
  ];

/** Sets computed_at behind the repository's back, relative to the database clock. */
async function ageRow(providerId: string, metricKey: string, periodStart: string, minutes: number) {
  await ownerQuery(
    ctx.admin,
    providerId,
    `update analytics_cache set computed_at = now() - $4::int * interval '1 minute'
      where provider_id = $1 and metric_key = $2 and period_start = $3`,
    [providerId, metricKey, periodStart, minutes],
  );
}

describe('AnalyticsCacheRepo: one entry written and read back', () => {
  it('reads an entry back as stored: the scope’s provider, exact value, version as text', async () => {
    const p = await provider();
    const written = await repo(p).bulkUpsert([
      cacheEntry({
        metricKey: 'billed_amount',
        dimensions: { claim_type: 'AHCIP' },
        value: '1234.50',
        sourceVersion: '7',
      }),
    ]);

    expect(written).toBe(1);
    const [entry, ...rest] = await repo(p).getMetrics(
      ['billed_amount'],
      '2026-11-01',
      '2026-11-30',
    );
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      providerId: p,
      metricKey: 'billed_amount',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      dimensions: { claim_type: 'AHCIP' },
      value: '1234.50',
      sourceVersion: '7',
    });
    expect(entry?.id).toEqual(expect.any(String));
    expect(entry?.computedAt).toBeInstanceOf(Date);
    expect(await rowsOf(ctx.admin, p)).toHaveLength(1);
  });

  it('updates an existing entry in place, changing its value and moving computed_at forward', async () => {
    const p = await provider();
    const key = {
      metricKey: 'paid_amount',
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
    } as const;
    await repo(p).bulkUpsert([cacheEntry({ ...key, value: '100.00' })]);
    const [first] = await repo(p).getMetrics(['paid_amount'], key.periodStart, key.periodEnd);
    // Two short transactions may start within the same millisecond (a JS Date's precision):
    // move the first stamp back a minute so that "forward" is unambiguous.
    await ageRow(p, 'paid_amount', '2026-10-01', 1);
    const [aged] = await rowsOf(ctx.admin, p);
    const written = await repo(p).bulkUpsert([cacheEntry({ ...key, value: '250.25' })]);
    const [second] = await repo(p).getMetrics(['paid_amount'], key.periodStart, key.periodEnd);

    expect(written).toBe(1);
    expect(second?.id).toBe(first?.id);
    expect(second?.value).toBe('250.25');
    expect(second?.computedAt.getTime()).toBeGreaterThan(aged.computed_at.getTime());
    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toHaveLength(1);
    expect(rows[0].value).toBe('250.25');
  });

  it('treats a row stored without dimensions and one written with {} as the same key: a NULL would never conflict', async () => {
    const p = await provider();
    // The database itself: a NULL is refused, and an omitted column defaults to {}.
    await expect(
      ownerQuery(
        ctx.admin,
        p,
        `insert into analytics_cache (provider_id, metric_key, period_start, period_end, dimensions, value, source_version)
         values ($1, 'paid_count', '2026-11-01', '2026-11-30', null, 1, 0)`,
        [p],
      ),
    ).rejects.toMatchObject({ code: '23502' });
    await ownerQuery(
      ctx.admin,
      p,
      `insert into analytics_cache (provider_id, metric_key, period_start, period_end, value, source_version)
       values ($1, 'paid_count', '2026-11-01', '2026-11-30', 1, 0)`,
      [p],
    );
    const written = await repo(p).bulkUpsert([cacheEntry({ metricKey: 'paid_count', value: '5' })]);

    expect(written).toBe(1);
    expect(await rowsOf(ctx.admin, p)).toEqual([
      expect.objectContaining({ metric_key: 'paid_count', dimensions: {}, value: '5' }),
    ]);
  });

  it('keeps dimension values of every scalar type as written and dates as written, whatever the time zone', async () => {
    const p = await provider();
    // UTC+14: a date that went through a JS Date at local midnight would come back a day early.
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    let offsetMinutes: number;
    let read: Awaited<ReturnType<AnalyticsCacheRepo['getMetrics']>>[number] | undefined;
    try {
      offsetMinutes = new Date(2026, 0, 1).getTimezoneOffset();
      await repo(p).bulkUpsert([
        cacheEntry({
          metricKey: 'billed_amount',
          periodStart: '2026-03-01',
          periodEnd: '2026-03-31',
          dimensions: { health_service_code: '03.03A', code: '0.1', flag: true, rank: 3 },
          value: '10',
        }),
      ]);
      [read] = await repo(p).getMetrics(['billed_amount'], '2026-03-01', '2026-03-31');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }

    expect(offsetMinutes).toBe(-14 * 60); // the zone did change
    expect(read?.dimensions).toEqual({
      code: '0.1',
      flag: true,
      health_service_code: '03.03A',
      rank: 3,
    });
    expect([read?.periodStart, read?.periodEnd]).toEqual(['2026-03-01', '2026-03-31']);
    const [stored] = await rowsOf(ctx.admin, p);
    expect([stored.period_start, stored.period_end]).toEqual(['2026-03-01', '2026-03-31']);
  });

  it('refuses an unknown provider with UNKNOWN_PROVIDER, writing nothing', async () => {
    const ghost = '3f0e4b3c-8d9a-4b6e-9f1a-2c3d4e5f6a7b';
    const attempt = repo(ghost).bulkUpsert([cacheEntry()]);
    await expect(attempt).rejects.toBeInstanceOf(UnknownProviderError);
    await expect(attempt).rejects.toMatchObject({ code: 'UNKNOWN_PROVIDER' });
    expect(await rowsOf(ctx.admin, ghost)).toEqual([]);
  });
});

describe('AnalyticsCacheRepo.getMetrics', () => {
  async function seed() {
    const p = await provider();
    const entries: CacheEntryValues[] = [];
    for (const period of months('2026-01', 4)) {
      entries.push(cacheEntry({ ...period, metricKey: 'claims_count', value: '10' }));
      entries.push(cacheEntry({ ...period, metricKey: 'billed_amount', value: '100.00' }));
      entries.push(
        cacheEntry({
          ...period,
          metricKey: 'billed_amount',
          value: '60.00',
          dimensions: { claim_type: 'AHCIP' },
        }),
      );
      entries.push(
        cacheEntry({
          ...period,
          metricKey: 'billed_amount',
          value: '40.00',
          dimensions: { claim_type: 'WCB' },
        }),
      );
      entries.push(
        cacheEntry({
          ...period,
          metricKey: 'billed_amount',
          value: '5.00',
          dimensions: { claim_type: 'AHCIP', health_service_code: '03.04A' },
        }),
      );
    }
    await repo(p).bulkUpsert(entries);
    return p;
  }

  it('returns only the requested metric keys', async () => {
    const p = await seed();
    const rows = await repo(p).getMetrics(['claims_count'], '2026-01-01', '2026-12-31');
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.metricKey))).toEqual(new Set(['claims_count']));
  });

  it('returns only periods lying inside the window', async () => {
    const p = await seed();
    const rows = await repo(p).getMetrics(['claims_count'], '2026-02-01', '2026-03-31');
    expect(rows.map((r) => r.periodStart)).toEqual(['2026-02-01', '2026-03-01']);

    // A month that straddles either boundary is not inside the window.
    const straddling = await repo(p).getMetrics(['claims_count'], '2026-02-15', '2026-04-15');
    expect(straddling.map((r) => r.periodStart)).toEqual(['2026-03-01']);
  });

  it('filters by dimension containment, so rows with extra keys still match', async () => {
    const p = await seed();
    const rows = await repo(p).getMetrics(['billed_amount'], '2026-01-01', '2026-01-31', {
      claim_type: 'AHCIP',
    });
    expect(rows.map((r) => r.dimensions)).toEqual(
      expect.arrayContaining([
        { claim_type: 'AHCIP' },
        { claim_type: 'AHCIP', health_service_code: '03.04A' },
      ]),
    );
    expect(rows).toHaveLength(2);
  });

  it('treats {} and undefined dimensions as no filter', async () => {
    const p = await seed();
    const all = await repo(p).getMetrics(['billed_amount'], '2026-01-01', '2026-01-31');
    const empty = await repo(p).getMetrics(['billed_amount'], '2026-01-01', '2026-01-31', {});
    expect(all).toHaveLength(4);
    expect(empty).toEqual(all);
  });

  it('returns [] for empty metric keys without running a query', async () => {
    const p = await seed();
    await withSpiedScope(p, async (tx, queries) => {
      const cache = new AnalyticsCacheRepo(tx);
      const before = queries.length;
      expect(await cache.getMetrics([], '2026-01-01', '2026-12-31')).toEqual([]);
      expect(queries.slice(before)).toEqual([]);
      // The spy does see the repository's statements: a real read is one query.
      expect(await cache.getMetrics(['claims_count'], '2026-01-01', '2026-12-31')).toHaveLength(4);
      expect(queries.slice(before)).toHaveLength(1);
    });
  });

  it('orders rows by metric key and then period, whatever the order they were written in', async () => {
    const p = await provider();
    const [jan, feb] = months('2026-01', 2) as [
      ReturnType<typeof months>[number],
      ReturnType<typeof months>[number],
    ];
    await repo(p).bulkUpsert([
      cacheEntry({ ...feb, metricKey: 'paid_count' }),
      cacheEntry({ ...feb, metricKey: 'claims_count' }),
      cacheEntry({ ...jan, metricKey: 'paid_count' }),
      cacheEntry({ ...jan, metricKey: 'claims_count' }),
    ]);

    const rows = await repo(p).getMetrics(
      ['paid_count', 'claims_count'],
      '2026-01-01',
      '2026-02-28',
    );
    expect(rows.map((r) => `${r.metricKey} ${r.periodStart}`)).toEqual([
      'claims_count 2026-01-01',
      'claims_count 2026-02-01',
      'paid_count 2026-01-01',
      'paid_count 2026-02-01',
    ]);
  });
});

describe('AnalyticsCacheRepo.bulkUpsert', () => {
  it('updates existing rows and inserts new ones, returning the rows written', async () => {
    const p = await provider();
    const [jan, feb, mar] = firstQuarter2026();
    await repo(p).bulkUpsert([
      cacheEntry({ ...jan, value: '1' }),
      cacheEntry({ ...feb, value: '2' }),
    ]);

    const written = await repo(p).bulkUpsert([
      cacheEntry({ ...feb, value: '20' }),
      cacheEntry({ ...mar, value: '30' }),
    ]);

    expect(written).toBe(2);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.period_start, r.value])).toEqual([
      ['2026-01-01', '1'],
      ['2026-02-01', '20'],
      ['2026-03-01', '30'],
    ]);
  });

  it('resolves duplicate keys inside one batch last-wins', async () => {
    const p = await provider();
    const written = await repo(p).bulkUpsert([
      cacheEntry({ value: '1' }),
      cacheEntry({ value: '2', metricKey: 'paid_count' }),
      cacheEntry({ value: '3' }),
    ]);
    expect(written).toBe(2);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.value])).toEqual([
      ['claims_count', '3'],
      ['paid_count', '2'],
    ]);
  });

  it('treats {"a":1,"b":2} and {"b":2,"a":1} as one key, in one batch and across batches, the last one winning', async () => {
    const p = await provider();
    // In one batch: PostgreSQL would refuse to update one row twice, so they must dedupe in JS.
    expect(
      await repo(p).bulkUpsert([
        cacheEntry({ dimensions: { a: 1, b: 2 }, value: '1' }),
        cacheEntry({ dimensions: { b: 2, a: 1 }, value: '2' }),
      ]),
    ).toBe(1);
    expect(await rowsOf(ctx.admin, p)).toEqual([
      expect.objectContaining({ dimensions: { a: 1, b: 2 }, value: '2' }),
    ]);
    // The other order within a batch: still the last one, not the canonically spelled one.
    expect(
      await repo(p).bulkUpsert([
        cacheEntry({ dimensions: { b: 2, a: 1 }, value: '3' }),
        cacheEntry({ dimensions: { a: 1, b: 2 }, value: '4' }),
      ]),
    ).toBe(1);
    expect((await rowsOf(ctx.admin, p)).map((r) => r.value)).toEqual(['4']);
    // Across batches: the stored row is the conflict.
    expect(await repo(p).bulkUpsert([cacheEntry({ dimensions: { b: 2, a: 1 }, value: '5' })])).toBe(
      1,
    );

    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toEqual([expect.objectContaining({ dimensions: { a: 1, b: 2 }, value: '5' })]);
  });

  it('keeps keys apart that differ only in a dimension value’s type or in one dimension more', async () => {
    const p = await provider();
    const written = await repo(p).bulkUpsert([
      cacheEntry({ dimensions: { rank: 3 }, value: '1' }),
      cacheEntry({ dimensions: { rank: '3' }, value: '2' }),
      cacheEntry({ dimensions: { rank: 3, flag: true }, value: '3' }),
      cacheEntry({ dimensions: {}, value: '4' }),
    ]);

    expect(written).toBe(4);
    expect(await rowsOf(ctx.admin, p)).toHaveLength(4);
  });

  it('writes 100,000 rows in one call, past the 65,535 bind-parameter limit', async () => {
    const p = await provider();
    const periods = months('2025-01', 24);
    const entries: CacheEntryValues[] = [];
    for (let code = 0; entries.length < 100_000; code++) {
      for (const period of periods) {
        entries.push(
          cacheEntry({
            ...period,
            dimensions: { health_service_code: `HSC${code}` },
            value: `${code}.25`,
          }),
        );
      }
    }
    entries.length = 100_000;

    expect(await repo(p).bulkUpsert(entries)).toBe(100_000);
    const { rows } = await ctx.admin.query(
      'select count(*)::int as n, sum(value)::text as total from analytics_cache where provider_id = $1',
      [p],
    );
    const expectedTotal = entries.reduce(
      (sum, e) => sum + BigInt(String(e.value).replace('.', '')),
      0n,
    );
    expect(rows[0]).toEqual({
      n: 100_000,
      total: `${expectedTotal / 100n}.${String(expectedTotal % 100n).padStart(2, '0')}`,
    });
  });

  it('stamps every row of one call with the same computed_at: now() is the transaction start', async () => {
    const p = await provider();
    await repo(p).bulkUpsert(months('2026-01', 12).map((period) => cacheEntry(period)));
    const stamps = new Set((await rowsOf(ctx.admin, p)).map((r) => r.computed_at.getTime()));
    expect(stamps.size).toBe(1);
  });

  it('sends up to 10,000 rows as one JSON statement, and stages more with COPY before one upsert', async () => {
    const p = await provider();
    const batchOf = (size: number, value: string) =>
      months('1900-01', 101)
        .flatMap((period) =>
          Array.from({ length: 100 }, (_, code) =>
            cacheEntry({ ...period, dimensions: { code }, value }),
          ),
        )
        .slice(0, size);
    const inserts = (queries: string[]) =>
      queries.filter((q) => q.startsWith('insert into "analytics_cache"'));

    await withSpiedScope(p, async (tx, queries) => {
      expect(await new AnalyticsCacheRepo(tx).bulkUpsert(batchOf(10_000, '1'))).toBe(10_000);
      expect(inserts(queries)).toHaveLength(1);
      expect(inserts(queries)[0]).toContain('jsonb_to_recordset');
    });
    await withSpiedScope(p, async (tx, queries) => {
      // The same 10,000 keys again (updated) and one new one: staged, then one upsert.
      expect(await new AnalyticsCacheRepo(tx).bulkUpsert(batchOf(10_001, '2'))).toBe(10_001);
      expect(inserts(queries)).toHaveLength(1);
      expect(inserts(queries)[0]).toContain('analytics_cache_stage');
      const { rows } = await tx.db.execute<{ n: number }>(
        sql`select count(*)::int as n from analytics_cache_stage`,
      );
      expect(rows[0]?.n).toBe(10_001);
    });
    const { rows } = await ctx.admin.query(
      `select count(*)::int as n, count(*) filter (where value = 2)::int as updated
         from analytics_cache where provider_id = $1`,
      [p],
    );
    expect(rows[0]).toEqual({ n: 10_001, updated: 10_001 });
  });

  it('stages dimensions with backslashes, quotes, tabs, newlines and accents exactly, last duplicate winning', async () => {
    const p = await provider();
    const awkward = ['C:\\path\\x', 'say "hi"', 'tab\there', 'two\nlines', 'Łukasz Wójcik', '\\N'];
    const filler = months('1900-01', 101).flatMap((period) =>
      Array.from({ length: 100 }, (_, code) => cacheEntry({ ...period, dimensions: { code } })),
    );
    const special = awkward.map((label, i) =>
      cacheEntry({ dimensions: { label, rank: i }, value: `${i}.00` }),
    );
    // The same keys again, their dimensions written in the other key order: these win.
    const again = awkward.map((label, i) =>
      cacheEntry({ dimensions: { rank: i, label }, value: `${i}.50` }),
    );
    expect(filler.length + special.length + again.length).toBeGreaterThan(10_000);
    expect(await repo(p).bulkUpsert([...special, ...filler, ...again])).toBe(
      filler.length + awkward.length,
    );
    const stored = await repo(p).getMetrics(['claims_count'], '2026-11-01', '2026-11-30');
    expect(
      stored
        .filter((row) => 'label' in row.dimensions)
        .map((row) => [row.dimensions.label, row.value])
        .sort(),
    ).toEqual(awkward.map((label, i) => [label, `${i}.50`]).sort());
  });

  it('writes all rows or none: one row PostgreSQL refuses fails the whole batch', async () => {
    const p = await provider();
    await repo(p).bulkUpsert([cacheEntry({ value: '1' })]);
    // Nothing checks a batch in JS any more: the table's own constraint refuses the second row.
    const batch = [
      cacheEntry({ value: '2' }),
      cacheEntry({
        metricKey: 'paid_count',
        periodStart: '2026-12-01',
        periodEnd: '2026-11-30',
      }),
    ];

    const failure = await repo(p)
      .bulkUpsert(batch)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(postgresErrorCode(failure)).toBe(PG_CHECK_VIOLATION);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.value])).toEqual([
      ['claims_count', '1'],
    ]);
  });

  it('takes back what it wrote when a later statement of the same unit of work fails', async () => {
    const p = await provider();
    await repo(p).bulkUpsert([cacheEntry({ value: '1' })]);

    await expect(
      withProviderScope(ctx.db, p, async (tx) => {
        const cache = new AnalyticsCacheRepo(tx);
        expect(
          await cache.bulkUpsert([
            cacheEntry({ value: '2' }),
            cacheEntry({ metricKey: 'paid_count', value: '3' }),
          ]),
        ).toBe(2);
        // Visible inside the unit of work...
        expect(
          (await cache.getMetrics(['claims_count', 'paid_count'], '2026-11-01', '2026-11-30')).map(
            (r) => r.value,
          ),
        ).toEqual(['2', '3']);
        await tx.db.execute(sql`select 1 / 0`);
      }),
    ).rejects.toThrow();

    // ...and gone with it.
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.value])).toEqual([
      ['claims_count', '1'],
    ]);
  });

  it('rolls back the chunks already written when PostgreSQL fails a later one', async () => {
    const p = await provider();
    const [first] = months('1990-01', 1);
    await repo(p).bulkUpsert([cacheEntry({ ...first, value: '1' })]);
    // 10,000 valid rows fill the first statement; the poisoned row sorts last, into the second.
    const batch = months('1990-01', 100).flatMap((period) =>
      Array.from({ length: 100 }, (_, code) =>
        cacheEntry({ ...period, dimensions: { code }, value: '2' }),
      ),
    );
    batch.push(cacheEntry({ ...first, value: '2' }));
    batch.push(cacheEntry({ periodStart: '2099-12-01', periodEnd: '2099-12-31' }));
    const fn = `fail_poisoned_row_${p.replaceAll('-', '')}`;
    await ctx.admin.query(`
      create function ${fn}() returns trigger language plpgsql as $$
      begin
        if new.provider_id = '${p}' and new.period_start = '2099-12-01' then
          raise exception 'poisoned row';
        end if;
        return new;
      end $$;
      create trigger ${fn} before insert on analytics_cache
        for each row execute function ${fn}();`);
    try {
      await expect(repo(p).bulkUpsert(batch)).rejects.toThrow();
    } finally {
      await ctx.admin.query(`drop trigger ${fn} on analytics_cache; drop function ${fn}();`);
    }

    expect((await rowsOf(ctx.admin, p)).map((r) => [r.period_start, r.value])).toEqual([
      ['1990-01-01', '1'],
    ]);
  });

  it('runs concurrent batches over overlapping keys in different orders without deadlock', async () => {
    const p = await provider();
    const keys = months('2024-01', 36).flatMap((period) =>
      ['AHCIP', 'WCB'].map((claimType) => ({ ...period, dimensions: { claim_type: claimType } })),
    );
    const batches = Array.from({ length: 6 }, (_, i) => {
      const order = i % 2 === 0 ? keys : [...keys].reverse();
      return order.map((key) => cacheEntry({ ...key, value: String(i) }));
    });

    const written = await Promise.all(batches.map((batch) => repo(p).bulkUpsert(batch)));

    expect(written).toEqual(batches.map(() => keys.length));
    expect(await rowsOf(ctx.admin, p)).toHaveLength(keys.length);
  });
});

describe('source_version ordering', () => {
  it('never replaces an entry with one computed from an older source_version', async () => {
    const p = await provider();
    const paid = { metricKey: 'paid_amount' } as const;
    await repo(p).bulkUpsert([cacheEntry({ ...paid, value: '500.00', sourceVersion: '10' })]);
    const [before] = await rowsOf(ctx.admin, p);

    // 9 < 10 as numbers, though '9' > '10' as text; 3 is older still.
    const olderByOne = await repo(p).bulkUpsert([
      cacheEntry({ ...paid, value: '1.00', sourceVersion: '9' }),
    ]);
    const older = await repo(p).bulkUpsert([
      cacheEntry({ ...paid, value: '2.00', sourceVersion: '3' }),
    ]);

    expect([olderByOne, older]).toEqual([0, 0]);
    // Kept whole: value, version and computed_at.
    expect(await rowsOf(ctx.admin, p)).toEqual([before]);
    expect(before).toMatchObject({ value: '500.00', source_version: '10' });
  });

  it('replaces an entry with one from the same or a newer source_version', async () => {
    const p = await provider();
    const paid = { metricKey: 'paid_amount' } as const;
    await repo(p).bulkUpsert([cacheEntry({ ...paid, value: '1.00', sourceVersion: '10' })]);

    const same = await repo(p).bulkUpsert([
      cacheEntry({ ...paid, value: '2.00', sourceVersion: '10' }),
    ]);
    expect(same).toBe(1);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.value, r.source_version])).toEqual([
      ['2.00', '10'],
    ]);
    // Past 2^53: compared as bigint, never as a JS number.
    const newer = await repo(p).bulkUpsert([
      cacheEntry({ ...paid, value: '3.00', sourceVersion: '9007199254740993' }),
    ]);
    const notNewer = await repo(p).bulkUpsert([
      cacheEntry({ ...paid, value: '4.00', sourceVersion: '9007199254740992' }),
    ]);

    expect([newer, notNewer]).toEqual([1, 0]);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.value, r.source_version])).toEqual([
      ['3.00', '9007199254740993'],
    ]);
  });

  it('decides row by row in one batch: newer rows are written, older ones kept and not counted', async () => {
    const p = await provider();
    const [jan, feb, mar] = firstQuarter2026();
    await repo(p).bulkUpsert([
      cacheEntry({ ...jan, value: '1', sourceVersion: '5' }),
      cacheEntry({ ...feb, value: '1', sourceVersion: '5' }),
    ]);

    const written = await repo(p).bulkUpsert([
      cacheEntry({ ...jan, value: '2', sourceVersion: '4' }),
      cacheEntry({ ...feb, value: '2', sourceVersion: '6' }),
      cacheEntry({ ...mar, value: '2', sourceVersion: '4' }),
    ]);

    expect(written).toBe(2);
    expect(
      (await rowsOf(ctx.admin, p)).map((r) => [r.period_start, r.value, r.source_version]),
    ).toEqual([
      ['2026-01-01', '1', '5'],
      ['2026-02-01', '2', '6'],
      ['2026-03-01', '2', '4'],
    ]);
  });
});

describe('AnalyticsCacheRepo.deleteSuperseded', () => {
  it('deletes the rows of the given months computed from an older version, and counts them', async () => {
    const p = await provider();
    const [jan, feb, mar] = firstQuarter2026();
    await repo(p).bulkUpsert([
      // January: one row the refresh rewrote (10), one it did not (9, gone from the claims).
      cacheEntry({ ...jan, value: '1', sourceVersion: '10' }),
      cacheEntry({ ...jan, dimensions: { claim_type: 'WCB' }, value: '1', sourceVersion: '9' }),
      // February: newer than the refresh (a concurrent write that got there first): kept.
      cacheEntry({ ...feb, value: '1', sourceVersion: '11' }),
      cacheEntry({ ...feb, metricKey: 'paid_count', value: '1', sourceVersion: '2' }),
      // March: not among the months: kept whatever its version.
      cacheEntry({ ...mar, value: '1', sourceVersion: '0' }),
    ]);

    // '9' and '2' sort after '10' as text: compared as numbers, both are older.
    const deleted = await repo(p).deleteSuperseded([jan.periodStart, feb.periodStart], '10');

    expect(deleted).toBe(2);
    expect(
      (await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.period_start, r.source_version]),
    ).toEqual([
      ['claims_count', '2026-01-01', '10'],
      ['claims_count', '2026-02-01', '11'],
      ['claims_count', '2026-03-01', '0'],
    ]);
  });

  it('matches a month by its first day only: rows of other periods overlapping it stay', async () => {
    const p = await provider();
    await repo(p).bulkUpsert([
      cacheEntry({ periodStart: '2026-11-01', periodEnd: '2026-11-30', sourceVersion: '1' }),
      cacheEntry({ periodStart: '2026-10-01', periodEnd: '2026-12-31', sourceVersion: '1' }),
      cacheEntry({ periodStart: '2026-11-15', periodEnd: '2026-11-15', sourceVersion: '1' }),
    ]);

    expect(await repo(p).deleteSuperseded(['2026-11-01'], '2')).toBe(1);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.period_start, r.period_end])).toEqual([
      ['2026-10-01', '2026-12-31'],
      ['2026-11-15', '2026-11-15'],
    ]);
  });

  it('deletes nothing and runs no query for no months', async () => {
    const p = await provider();
    await repo(p).bulkUpsert([cacheEntry({ sourceVersion: '1' })]);

    await withSpiedScope(p, async (tx, queries) => {
      const before = queries.length;
      expect(await new AnalyticsCacheRepo(tx).deleteSuperseded([], '2')).toBe(0);
      expect(queries.slice(before)).toEqual([]);
    });
    expect(await rowsOf(ctx.admin, p)).toHaveLength(1);
  });

  it('leaves the rows a refresh has just written, in the same unit of work', async () => {
    const p = await provider();
    const [oct, nov] = months('2026-10', 2) as [
      ReturnType<typeof months>[number],
      ReturnType<typeof months>[number],
    ];
    await repo(p).bulkUpsert([
      cacheEntry({ ...oct, value: '1', sourceVersion: '3' }),
      cacheEntry({ ...nov, value: '1', sourceVersion: '3' }),
      cacheEntry({ ...nov, metricKey: 'paid_count', value: '1', sourceVersion: '3' }),
    ]);

    // What RefreshService does: write the recomputed months, then drop what it did not rewrite.
    const deleted = await withProviderScope(ctx.db, p, async (tx) => {
      const cache = new AnalyticsCacheRepo(tx);
      await cache.bulkUpsert([cacheEntry({ ...nov, value: '2', sourceVersion: '7' })]);
      return cache.deleteSuperseded([oct.periodStart, nov.periodStart], '7');
    });

    expect(deleted).toBe(2);
    expect(
      (await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.period_start, r.value]),
    ).toEqual([['claims_count', '2026-11-01', '2']]);
  });
});

describe('provider isolation', () => {
  it.each([
    ['as meritum_app, under row-level security', () => ctx.db],
    // The owner (a superuser here) bypasses row-level security: only the WHERE clause protects.
    ['as the owner, with the WHERE clause alone', () => drizzle({ client: ctx.admin })],
  ])(
    "keeps another provider's rows invisible and untouched through every method, %s",
    async (_, database) => {
      const mine = await provider();
      const theirs = await provider();
      const r = repo(mine, database());
      const periods = months('2026-01', 3);
      const theirEntries = periods.map((period) =>
        cacheEntry({ ...period, value: '999', dimensions: { claim_type: 'WCB' } }),
      );
      await repo(theirs).bulkUpsert([
        ...theirEntries,
        cacheEntry({ metricKey: 'paid_count', value: '999' }),
      ]);
      await ageRow(theirs, 'claims_count', '2026-01-01', 600);
      const before = await rowsOf(ctx.admin, theirs);

      // Same keys, my provider: separate rows, never theirs.
      expect(await r.bulkUpsert([{ ...(theirEntries[0] as CacheEntryValues), value: '1' }])).toBe(
        1,
      );
      expect(
        await r.bulkUpsert(theirEntries.map((e) => ({ ...e, value: '2', sourceVersion: '1' }))),
      ).toBe(3);
      const visible = await r.getMetrics(
        ['claims_count', 'paid_count'],
        '2000-01-01',
        '2100-12-31',
      );
      expect(visible.map((row) => [row.providerId, row.metricKey, row.value])).toEqual(
        periods.map(() => [mine, 'claims_count', '2']),
      );
      expect(
        await r.getMetrics(['claims_count'], '2000-01-01', '2100-12-31', { claim_type: 'WCB' }),
      ).toHaveLength(3);
      expect(await r.getMetrics(['paid_count'], '2000-01-01', '2100-12-31')).toEqual([]);
      // Their rows are older than version 2 and in these months too: still not mine to delete.
      expect(
        await r.deleteSuperseded(
          periods.map((period) => period.periodStart).concat('2026-11-01'),
          '2',
        ),
      ).toBe(3);
      expect(await rowsOf(ctx.admin, mine)).toEqual([]);

      expect(await rowsOf(ctx.admin, theirs)).toEqual(before);
    },
  );

  it('throws InvalidProviderIdError before any SQL runs for a missing or malformed provider id', async () => {
    const database = drizzle({ client: ctx.pool });
    const connect = vi.spyOn(ctx.pool, 'connect');
    const query = vi.spyOn(ctx.pool, 'query');
    const work = vi.fn((tx: ProviderTx) =>
      new AnalyticsCacheRepo(tx).getMetrics(['claims_count'], '2026-01-01', '2026-01-31'),
    );
    const badIds = [
      undefined,
      null,
      '',
      'not-a-uuid',
      "' or 1=1 --",
      "00000000-0000-0000-0000-000000000000'; reset role; --",
      '00000000-0000-0000-0000-00000000000g',
      42,
    ];

    try {
      for (const id of badIds as string[]) {
        await expect(withProviderScope(database, id, work), String(id)).rejects.toBeInstanceOf(
          InvalidProviderIdError,
        );
      }
      expect(work).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
      expect(query).not.toHaveBeenCalled();

      // The spies do see a scope that opens: a valid id takes a connection and runs the work.
      expect(await withProviderScope(database, await provider(), work)).toEqual([]);
      expect(work).toHaveBeenCalledTimes(1);
      expect(connect).toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      query.mockRestore();
    }
  });
});

describe('row-level security, the second wall', () => {
  it('shows no rows to meritum_app without app.provider_id, even after a scoped transaction', async () => {
    const p = await provider();
    await repo(p).bulkUpsert([cacheEntry()]);
    const client = await ctx.pool.connect();
    try {
      expect((await client.query('select current_user')).rows[0].current_user).toBe('meritum_app');
      expect((await client.query('select count(*)::int as n from analytics_cache')).rows[0].n).toBe(
        0,
      );

      // After a transaction-local setting ends, the session sees '' (not NULL) for it.
      await client.query('begin');
      await client.query(`select set_config('app.provider_id', $1, true)`, [p]);
      expect((await client.query('select count(*)::int as n from analytics_cache')).rows[0].n).toBe(
        1,
      );
      await client.query('commit');
      expect((await client.query('select count(*)::int as n from analytics_cache')).rows[0].n).toBe(
        0,
      );
      expect((await client.query('select count(*)::int as n from providers')).rows[0].n).toBe(0);

      // RESET ROLE cannot step out: the role is a connection parameter.
      await client.query('reset role');
      expect((await client.query('select current_user')).rows[0].current_user).toBe('meritum_app');
    } finally {
      client.release();
    }
  });

  it("refuses, under provider A's setting, a row for provider B", async () => {
    const a = await provider();
    const b = await provider();
    const client = await ctx.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.provider_id', $1, true)`, [a]);
      await expect(
        client.query(
          `insert into analytics_cache (provider_id, metric_key, period_start, period_end, value, source_version)
           values ($1, 'claims_count', '2026-11-01', '2026-11-30', 1, 0)`,
          [b],
        ),
      ).rejects.toMatchObject({
        code: '42501',
        message: expect.stringContaining('row-level security'),
      });
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await rowsOf(ctx.admin, b)).toEqual([]);
  });
});

describe('exact values', () => {
  it('sums 0.10 a thousand times to exactly 100.00', async () => {
    const p = await provider();
    const periods = months('1990-01', 1000);
    await repo(p).bulkUpsert(
      periods.map((period) => cacheEntry({ ...period, metricKey: 'paid_amount', value: '0.10' })),
    );

    const rows = await repo(p).getMetrics(['paid_amount'], '1990-01-01', '2100-12-31');
    expect(rows).toHaveLength(1000);
    expect(rows.every((r) => r.value === '0.10')).toBe(true);
    const cents = rows.reduce((sum, r) => sum + BigInt(r.value.replace('.', '')), 0n);
    expect(cents).toBe(10_000n);
    const { rows: summed } = await ctx.admin.query(
      'select sum(value)::text as total from analytics_cache where provider_id = $1',
      [p],
    );
    expect(summed[0].total).toBe('100.00');
  });

  it('returns a 30-digit numeric digit for digit', async () => {
    const p = await provider();
    const huge = '123456789012345678901234567890.12';
    await repo(p).bulkUpsert([cacheEntry({ metricKey: 'billed_amount', value: huge })]);
    const [read] = await repo(p).getMetrics(['billed_amount'], '2026-11-01', '2026-11-30');
    expect(read?.value).toBe(huge);
    expect((await rowsOf(ctx.admin, p)).map((r) => r.value)).toEqual([huge]);
  });
});
