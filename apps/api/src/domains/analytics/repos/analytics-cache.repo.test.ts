import type { NewAnalyticsCacheEntry } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it, vi } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider, months, ownerQuery, rowsOf } from '../../../../test/factories';
import {
  CrossProviderBatchError,
  InvalidProviderIdError,
  UnknownProviderError,
  ValidationError,
} from '../../../lib/errors';
import { AnalyticsCacheRepo } from './analytics-cache.repo';

const ctx = useTestDatabase();
const repo = () => new AnalyticsCacheRepo(ctx.db);
const provider = () => createProvider(ctx.admin);

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

describe('AnalyticsCacheRepo.upsertMetric', () => {
  it('creates a new entry and returns it as stored', async () => {
    const p = await provider();
    const entry = await repo().upsertMetric(
      p,
      'billed_amount',
      '2026-11-01',
      '2026-11-30',
      { claim_type: 'AHCIP' },
      '1234.50',
      {
        sourceVersion: 7,
      },
    );

    expect(entry).toMatchObject({
      providerId: p,
      metricKey: 'billed_amount',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      dimensions: { claim_type: 'AHCIP' },
      value: '1234.50',
      sourceVersion: '7',
    });
    expect(entry.computedAt).toBeInstanceOf(Date);
    expect(await rowsOf(ctx.admin, p)).toHaveLength(1);
  });

  it('updates an existing entry, changing its value and moving computed_at forward', async () => {
    const p = await provider();
    const first = await repo().upsertMetric(
      p,
      'paid_amount',
      '2026-10-01',
      '2026-10-31',
      {},
      '100.00',
    );
    // Two short transactions may start within the same millisecond (a JS Date's precision):
    // move the first stamp back a minute so that "forward" is unambiguous.
    await ageRow(p, 'paid_amount', '2026-10-01', 1);
    const [aged] = await rowsOf(ctx.admin, p);
    const second = await repo().upsertMetric(
      p,
      'paid_amount',
      '2026-10-01',
      '2026-10-31',
      {},
      '250.25',
    );

    expect(second.id).toBe(first.id);
    expect(second.value).toBe('250.25');
    expect(second.computedAt.getTime()).toBeGreaterThan(aged.computed_at.getTime());
    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toHaveLength(1);
    expect(rows[0].value).toBe('250.25');
  });

  it('treats omitted dimensions and {} as the same key: a NULL would never conflict', async () => {
    const p = await provider();
    await repo().bulkUpsert([
      {
        providerId: p,
        metricKey: 'claims_count',
        periodStart: '2026-11-01',
        periodEnd: '2026-11-30',
        value: '1',
      },
    ]);
    await repo().upsertMetric(p, 'claims_count', '2026-11-01', '2026-11-30', {}, '2');

    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toEqual([expect.objectContaining({ dimensions: {}, value: '2' })]);

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
    await repo().upsertMetric(p, 'paid_count', '2026-11-01', '2026-11-30', {}, '5');
    expect((await rowsOf(ctx.admin, p)).filter((r) => r.metric_key === 'paid_count')).toEqual([
      expect.objectContaining({ dimensions: {}, value: '5' }),
    ]);
  });

  it('keeps string dimension values strings and dates as written, whatever the time zone', async () => {
    const p = await provider();
    // UTC+14: a date that went through a JS Date at local midnight would come back a day early.
    const zone = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    const offsetMinutes = new Date(2026, 0, 1).getTimezoneOffset();
    const entry = await repo().upsertMetric(
      p,
      'billed_amount',
      '2026-03-01',
      '2026-03-31',
      {
        health_service_code: '03.03A',
        code: '0.1',
        flag: true,
        rank: 3,
      },
      '10',
    );

    expect(entry.dimensions).toEqual({
      code: '0.1',
      flag: true,
      health_service_code: '03.03A',
      rank: 3,
    });
    const [read] = await repo().getMetrics(p, ['billed_amount'], '2026-03-01', '2026-03-31');
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;

    expect(offsetMinutes).toBe(-14 * 60); // the zone did change
    expect([entry.periodStart, entry.periodEnd]).toEqual(['2026-03-01', '2026-03-31']);
    expect([read?.periodStart, read?.periodEnd]).toEqual(['2026-03-01', '2026-03-31']);
  });

  it('refuses an unknown provider with UNKNOWN_PROVIDER, writing nothing', async () => {
    const ghost = '3f0e4b3c-8d9a-4b6e-9f1a-2c3d4e5f6a7b';
    await expect(
      repo().upsertMetric(ghost, 'claims_count', '2026-11-01', '2026-11-30', {}, '1'),
    ).rejects.toBeInstanceOf(UnknownProviderError);
    await expect(repo().bulkUpsert([cacheEntry(ghost)])).rejects.toMatchObject({
      code: 'UNKNOWN_PROVIDER',
    });
    expect(await rowsOf(ctx.admin, ghost)).toEqual([]);
  });

  it('refuses bad input with a ValidationError and writes nothing', async () => {
    const p = await provider();
    const bad: Array<Parameters<AnalyticsCacheRepo['upsertMetric']>> = [
      [p, 'no_such_metric', '2026-11-01', '2026-11-30', {}, '1'],
      [p, 'claims_count', '2026-02-30', '2026-03-01', {}, '1'],
      [p, 'claims_count', '2026-11-30', '2026-11-01', {}, '1'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', {}, 'NaN'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', {}, Number.POSITIVE_INFINITY],
      [p, 'claims_count', '2026-11-01', '2026-11-30', {}, '1e5'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', { nested: { a: 1 } as never }, '1'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', ['x'] as never, '1'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', { 'Bad Key': 1 }, '1'],
      [p, 'claims_count', '2026-11-01', '2026-11-30', {}, '1', { sourceVersion: -1 }],
      [
        p,
        'claims_count',
        '2026-11-01',
        '2026-11-30',
        {},
        '1',
        { sourceVersion: '9223372036854775808' },
      ],
      // Each of these would pass a weaker check and then fail inside PostgreSQL (a 500).
      [p, 'claims_count', '0000-01-01', '0000-01-31', {}, '1'],
      [
        p,
        'claims_count',
        '2026-11-01',
        '2026-11-30',
        { a: 'é'.repeat(128), b: 'é'.repeat(128) },
        '1',
      ],
    ];
    for (const args of bad) {
      await expect(repo().upsertMetric(...args), JSON.stringify(args)).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    expect(await rowsOf(ctx.admin, p)).toEqual([]);
  });
});

describe('AnalyticsCacheRepo.getMetrics', () => {
  async function seed() {
    const p = await provider();
    const entries: NewAnalyticsCacheEntry[] = [];
    for (const period of months('2026-01', 4)) {
      entries.push(cacheEntry(p, { ...period, metricKey: 'claims_count', value: '10' }));
      entries.push(cacheEntry(p, { ...period, metricKey: 'billed_amount', value: '100.00' }));
      entries.push(
        cacheEntry(p, {
          ...period,
          metricKey: 'billed_amount',
          value: '60.00',
          dimensions: { claim_type: 'AHCIP' },
        }),
      );
      entries.push(
        cacheEntry(p, {
          ...period,
          metricKey: 'billed_amount',
          value: '40.00',
          dimensions: { claim_type: 'WCB' },
        }),
      );
      entries.push(
        cacheEntry(p, {
          ...period,
          metricKey: 'billed_amount',
          value: '5.00',
          dimensions: { claim_type: 'AHCIP', health_service_code: '03.04A' },
        }),
      );
    }
    await repo().bulkUpsert(entries);
    return p;
  }

  it('returns only the requested metric keys', async () => {
    const p = await seed();
    const rows = await repo().getMetrics(p, ['claims_count'], '2026-01-01', '2026-12-31');
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.metricKey))).toEqual(new Set(['claims_count']));
  });

  it('returns only periods lying inside the window', async () => {
    const p = await seed();
    const rows = await repo().getMetrics(p, ['claims_count'], '2026-02-01', '2026-03-31');
    expect(rows.map((r) => r.periodStart)).toEqual(['2026-02-01', '2026-03-01']);

    // A month that straddles either boundary is not inside the window.
    const straddling = await repo().getMetrics(p, ['claims_count'], '2026-02-15', '2026-04-15');
    expect(straddling.map((r) => r.periodStart)).toEqual(['2026-03-01']);
  });

  it('filters by dimension containment, so rows with extra keys still match', async () => {
    const p = await seed();
    const rows = await repo().getMetrics(p, ['billed_amount'], '2026-01-01', '2026-01-31', {
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
    const all = await repo().getMetrics(p, ['billed_amount'], '2026-01-01', '2026-01-31');
    const empty = await repo().getMetrics(p, ['billed_amount'], '2026-01-01', '2026-01-31', {});
    expect(all).toHaveLength(4);
    expect(empty).toEqual(all);
  });

  it('returns [] for empty metric keys without running a query', async () => {
    const p = await seed();
    const queries: string[] = [];
    const spied = drizzle({ client: ctx.pool, logger: { logQuery: (q) => queries.push(q) } });
    expect(
      await new AnalyticsCacheRepo(spied).getMetrics(p, [], '2026-01-01', '2026-12-31'),
    ).toEqual([]);
    expect(queries).toEqual([]);
  });
});

describe('AnalyticsCacheRepo.getStaleEntries', () => {
  it('returns exactly the entries older than the age, by the database clock', async () => {
    const p = await provider();
    const periods = months('2026-01', 3);
    await repo().bulkUpsert(periods.map((period) => cacheEntry(p, period)));
    await ageRow(p, 'claims_count', '2026-01-01', 120);
    await ageRow(p, 'claims_count', '2026-02-01', 61);
    await ageRow(p, 'claims_count', '2026-03-01', 59);

    // The application's clock is irrelevant: a day ahead, the answer is the same.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 24 * 60 * 60 * 1000);
    try {
      const stale = await repo().getStaleEntries(p, 60);
      expect(stale.map((r) => r.periodStart)).toEqual(['2026-01-01', '2026-02-01']);
    } finally {
      vi.useRealTimers();
    }
    expect(await repo().getStaleEntries(p, 0)).toHaveLength(3);
    expect(await repo().getStaleEntries(p, 180)).toEqual([]);
  });

  it('refuses negative and non-finite ages', async () => {
    const p = await provider();
    for (const age of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e300]) {
      await expect(repo().getStaleEntries(p, age)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('AnalyticsCacheRepo.bulkUpsert', () => {
  it('updates existing rows and inserts new ones, returning the rows written', async () => {
    const p = await provider();
    const [jan, feb, mar] = months('2026-01', 3) as [
      ReturnType<typeof months>[number],
      ReturnType<typeof months>[number],
      ReturnType<typeof months>[number],
    ];
    await repo().bulkUpsert([
      cacheEntry(p, { ...jan, value: '1' }),
      cacheEntry(p, { ...feb, value: '2' }),
    ]);

    const written = await repo().bulkUpsert([
      cacheEntry(p, { ...feb, value: '20' }),
      cacheEntry(p, { ...mar, value: '30' }),
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
    const written = await repo().bulkUpsert([
      cacheEntry(p, { value: '1' }),
      cacheEntry(p, { value: '2', metricKey: 'paid_count' }),
      cacheEntry(p, { value: '3' }),
    ]);
    expect(written).toBe(2);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.metric_key, r.value])).toEqual([
      ['claims_count', '3'],
      ['paid_count', '2'],
    ]);
  });

  it('treats {"a":1,"b":2} and {"b":2,"a":1} as one key', async () => {
    const p = await provider();
    await repo().bulkUpsert([
      cacheEntry(p, { dimensions: { a: 1, b: 2 }, value: '1' }),
      cacheEntry(p, { dimensions: { b: 2, a: 1 }, value: '2' }),
    ]);
    await repo().upsertMetric(p, 'claims_count', '2026-11-01', '2026-11-30', { b: 2, a: 1 }, '3');

    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toEqual([expect.objectContaining({ dimensions: { a: 1, b: 2 }, value: '3' })]);
  });

  it('writes 100,000 rows in one call, past the 65,535 bind-parameter limit', async () => {
    const p = await provider();
    const periods = months('2025-01', 24);
    const entries: NewAnalyticsCacheEntry[] = [];
    for (let code = 0; entries.length < 100_000; code++) {
      for (const period of periods) {
        entries.push(
          cacheEntry(p, {
            ...period,
            dimensions: { health_service_code: `HSC${code}` },
            value: `${code}.25`,
          }),
        );
      }
    }
    entries.length = 100_000;

    expect(await repo().bulkUpsert(entries)).toBe(100_000);
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
    await repo().bulkUpsert(months('2026-01', 12).map((period) => cacheEntry(p, period)));
    const stamps = new Set((await rowsOf(ctx.admin, p)).map((r) => r.computed_at.getTime()));
    expect(stamps.size).toBe(1);
  });

  it('throws CROSS_PROVIDER_BATCH for entries of two providers and writes nothing', async () => {
    const a = await provider();
    const b = await provider();
    const attempt = repo().bulkUpsert([cacheEntry(a), cacheEntry(b, { metricKey: 'paid_count' })]);

    await expect(attempt).rejects.toBeInstanceOf(CrossProviderBatchError);
    await expect(attempt).rejects.toMatchObject({ code: 'CROSS_PROVIDER_BATCH' });
    expect(await rowsOf(ctx.admin, a)).toEqual([]);
    expect(await rowsOf(ctx.admin, b)).toEqual([]);
  });

  it('writes all rows or none: one invalid entry fails the whole batch', async () => {
    const p = await provider();
    await repo().bulkUpsert([cacheEntry(p, { value: '1' })]);
    const batch = [
      cacheEntry(p, { value: '2' }),
      cacheEntry(p, {
        metricKey: 'paid_count',
        periodStart: '2026-12-01',
        periodEnd: '2026-11-30',
      }),
    ];

    await expect(repo().bulkUpsert(batch)).rejects.toBeInstanceOf(ValidationError);
    expect((await rowsOf(ctx.admin, p)).map((r) => r.value)).toEqual(['1']);
  });

  it('rolls back the chunks already written when PostgreSQL fails a later one', async () => {
    const p = await provider();
    const [first] = months('1990-01', 1);
    await repo().bulkUpsert([cacheEntry(p, { ...first, value: '1' })]);
    // 10,000 valid rows fill the first statement; the poisoned row sorts last, into the second.
    const batch = months('1990-01', 100).flatMap((period) =>
      Array.from({ length: 100 }, (_, code) =>
        cacheEntry(p, { ...period, dimensions: { code }, value: '2' }),
      ),
    );
    batch.push(cacheEntry(p, { ...first, value: '2' }));
    batch.push(cacheEntry(p, { periodStart: '2099-12-01', periodEnd: '2099-12-31' }));
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
      await expect(repo().bulkUpsert(batch)).rejects.toThrow();
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
      return order.map((key) => cacheEntry(p, { ...key, value: String(i) }));
    });

    const written = await Promise.all(batches.map((batch) => repo().bulkUpsert(batch)));

    expect(written).toEqual(batches.map(() => keys.length));
    expect(await rowsOf(ctx.admin, p)).toHaveLength(keys.length);
  });
});

describe('source_version ordering', () => {
  it('never replaces an entry with one computed from an older source_version', async () => {
    const p = await provider();
    await repo().upsertMetric(p, 'paid_amount', '2026-11-01', '2026-11-30', {}, '500.00', {
      sourceVersion: 10,
    });

    const kept = await repo().upsertMetric(
      p,
      'paid_amount',
      '2026-11-01',
      '2026-11-30',
      {},
      '1.00',
      { sourceVersion: 9 },
    );
    const bulkWritten = await repo().bulkUpsert([
      cacheEntry(p, { metricKey: 'paid_amount', value: '2.00', sourceVersion: 3n }),
    ]);

    expect(kept).toMatchObject({ value: '500.00', sourceVersion: '10' });
    expect(bulkWritten).toBe(0);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.value, r.source_version])).toEqual([
      ['500.00', '10'],
    ]);
  });

  it('replaces an entry with one from the same or a newer source_version', async () => {
    const p = await provider();
    await repo().upsertMetric(p, 'paid_amount', '2026-11-01', '2026-11-30', {}, '1.00', {
      sourceVersion: '10',
    });
    const same = await repo().upsertMetric(
      p,
      'paid_amount',
      '2026-11-01',
      '2026-11-30',
      {},
      '2.00',
      { sourceVersion: '10' },
    );
    const newer = await repo().bulkUpsert([
      cacheEntry(p, { metricKey: 'paid_amount', value: '3.00', sourceVersion: '9007199254740993' }),
    ]);

    expect(same.value).toBe('2.00');
    expect(newer).toBe(1);
    expect((await rowsOf(ctx.admin, p)).map((r) => [r.value, r.source_version])).toEqual([
      ['3.00', '9007199254740993'],
    ]);
  });
});

describe('AnalyticsCacheRepo.deleteExpiredEntries', () => {
  it("removes only that provider's rows ending before the date and returns the count", async () => {
    const p = await provider();
    const other = await provider();
    const periods = months('2024-09', 6); // Sep 2024 .. Feb 2025
    await repo().bulkUpsert(periods.map((period) => cacheEntry(p, period)));
    await repo().bulkUpsert(periods.map((period) => cacheEntry(other, period)));

    // Rows ending on the cut-off day itself stay: only period_end < cut-off goes.
    expect(await repo().deleteExpiredEntries(p, '2024-11-30')).toBe(2);
    expect((await rowsOf(ctx.admin, p)).map((r) => r.period_end)).toEqual([
      '2024-11-30',
      '2024-12-31',
      '2025-01-31',
      '2025-02-28',
    ]);
    expect(await rowsOf(ctx.admin, other)).toHaveLength(6);
  });

  it('takes a Date as its calendar date in Edmonton, not in UTC', async () => {
    const p = await provider();
    await repo().bulkUpsert(months('2026-10', 2).map((period) => cacheEntry(p, period)));

    // 05:30 UTC on 1 December is still 30 November (22:30) in Edmonton: October's row goes,
    // November's (ending 30 November) stays.
    expect(await repo().deleteExpiredEntries(p, new Date('2026-12-01T05:30:00Z'))).toBe(1);
    expect((await rowsOf(ctx.admin, p)).map((r) => r.period_end)).toEqual(['2026-11-30']);
    await expect(repo().deleteExpiredEntries(p, new Date('nope'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(repo().deleteExpiredEntries(p, '2026-13-01')).rejects.toBeInstanceOf(
      ValidationError,
    );
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
      const r = new AnalyticsCacheRepo(database());
      const mine = await provider();
      const theirs = await provider();
      const theirEntries = months('2026-01', 3).map((period) =>
        cacheEntry(theirs, { ...period, value: '999', dimensions: { claim_type: 'WCB' } }),
      );
      await repo().bulkUpsert(theirEntries);
      await ageRow(theirs, 'claims_count', '2026-01-01', 600);
      const before = await rowsOf(ctx.admin, theirs);

      // Same keys, my provider: separate rows, never theirs.
      await r.upsertMetric(
        mine,
        'claims_count',
        '2026-01-01',
        '2026-01-31',
        { claim_type: 'WCB' },
        '1',
      );
      await r.bulkUpsert(theirEntries.map((e) => ({ ...e, providerId: mine, value: '2' })));
      const visible = await r.getMetrics(mine, ['claims_count'], '2000-01-01', '2100-12-31');
      expect(visible.map((row) => [row.providerId, row.value])).toEqual(
        visible.map(() => [mine, '2']),
      );
      expect(visible).toHaveLength(3);
      expect(
        await r.getMetrics(mine, ['claims_count'], '2000-01-01', '2100-12-31', {
          claim_type: 'WCB',
        }),
      ).toHaveLength(3);
      expect(await r.getStaleEntries(mine, 60)).toEqual([]);
      expect(await r.deleteExpiredEntries(mine, '2100-01-01')).toBe(3);

      expect(await rowsOf(ctx.admin, theirs)).toEqual(before);
    },
  );

  it('throws before any SQL runs for a missing or malformed provider id', async () => {
    const queries: string[] = [];
    const spied = new AnalyticsCacheRepo(
      drizzle({ client: ctx.pool, logger: { logQuery: (q) => queries.push(q) } }),
    );
    const badIds = [
      undefined,
      null,
      '',
      'not-a-uuid',
      "' or 1=1 --",
      '00000000-0000-0000-0000-00000000000g',
      42,
    ];

    for (const id of badIds as string[]) {
      await expect(
        spied.getMetrics(id, ['claims_count'], '2026-01-01', '2026-01-31'),
      ).rejects.toBeInstanceOf(InvalidProviderIdError);
      await expect(spied.getMetrics(id, [], '2026-01-01', '2026-01-31')).rejects.toBeInstanceOf(
        InvalidProviderIdError,
      );
      await expect(
        spied.upsertMetric(id, 'claims_count', '2026-01-01', '2026-01-31', {}, '1'),
      ).rejects.toBeInstanceOf(InvalidProviderIdError);
      await expect(spied.bulkUpsert([cacheEntry(id)])).rejects.toBeInstanceOf(
        InvalidProviderIdError,
      );
      await expect(spied.getStaleEntries(id, 5)).rejects.toBeInstanceOf(InvalidProviderIdError);
      await expect(spied.deleteExpiredEntries(id, '2026-01-01')).rejects.toBeInstanceOf(
        InvalidProviderIdError,
      );
    }
    expect(queries).toEqual([]);
  });
});

describe('row-level security, the second wall', () => {
  it('shows no rows to meritum_app without app.provider_id, even after a scoped transaction', async () => {
    const p = await provider();
    await repo().bulkUpsert([cacheEntry(p)]);
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
    await repo().bulkUpsert(
      periods.map((period) =>
        cacheEntry(p, { ...period, metricKey: 'paid_amount', value: '0.10' }),
      ),
    );

    const rows = await repo().getMetrics(p, ['paid_amount'], '1990-01-01', '2100-12-31');
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
    const stored = await repo().upsertMetric(
      p,
      'billed_amount',
      '2026-11-01',
      '2026-11-30',
      {},
      huge,
    );
    expect(stored.value).toBe(huge);
    const [read] = await repo().getMetrics(p, ['billed_amount'], '2026-11-01', '2026-11-30');
    expect(read?.value).toBe(huge);
  });
});
