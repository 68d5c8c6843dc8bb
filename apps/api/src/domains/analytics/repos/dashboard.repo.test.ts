import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider, ownerQuery } from '../../../../test/factories';
import { AnalyticsCacheRepo } from './analytics-cache.repo';
import { DashboardRepo } from './dashboard.repo';
import { FreshnessRepo } from './freshness.repo';

const ctx = useTestDatabase();

const november = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const october = { periodStart: '2026-10-01', periodEnd: '2026-10-31' };
const ahcip = { claim_type: 'AHCIP' };
const wcb = { claim_type: 'WCB' };
const code = { claim_type: 'AHCIP', health_service_code: '03.03A' };

/** A provider with totals, per-type and code-level rows in October and November. */
async function providerWithRows(value: string) {
  const providerId = await createProvider(ctx.admin);
  const entries = [november, october].flatMap((month) =>
    [{}, ahcip, wcb, code].map((dimensions) =>
      cacheEntry(providerId, { ...month, dimensions, metricKey: 'billed_amount', value }),
    ),
  );
  await new AnalyticsCacheRepo(ctx.db).bulkUpsert(entries);
  return providerId;
}

const shapes = (rows: Array<{ periodStart: string; dimensions: object }>) =>
  rows.map((r) => `${r.periodStart} ${JSON.stringify(r.dimensions)}`).sort();

describe('DashboardRepo.read', () => {
  it('reads totals and code-level rows of the range, with exact values', async () => {
    const p = await providerWithRows('1234567890.12');
    const { rows } = await new DashboardRepo(ctx.db).read(p, {
      start: '2026-11-01',
      end: '2026-11-30',
    });
    expect(shapes(rows)).toEqual([
      `2026-11-01 {"claim_type":"AHCIP","health_service_code":"03.03A"}`,
      '2026-11-01 {}',
    ]);
    expect(rows.map((r) => r.value)).toEqual(['1234567890.12', '1234567890.12']);
    expect(rows.every((r) => r.metricKey === 'billed_amount')).toBe(true);
  });

  it('reads one claim type’s rows and its code-level rows under a claim-type filter', async () => {
    const p = await providerWithRows('10.00');
    const { rows } = await new DashboardRepo(ctx.db).read(p, {
      start: '2026-10-01',
      end: '2026-11-30',
      claimType: 'WCB',
    });
    expect(shapes(rows)).toEqual([
      '2026-10-01 {"claim_type":"WCB"}',
      '2026-11-01 {"claim_type":"WCB"}',
    ]);
  });

  it('reports the same status as the freshness repository', async () => {
    const p = await providerWithRows('1.00');
    const { status } = await new DashboardRepo(ctx.db).read(p, {
      start: '2026-11-01',
      end: '2026-11-30',
    });
    const alone = await new FreshnessRepo(ctx.db).status(p);
    expect({ ...status, ageSeconds: null }).toEqual({ ...alone, ageSeconds: null });
  });

  it('never reads another provider’s rows', async () => {
    const mine = await providerWithRows('1.00');
    await providerWithRows('999.99');
    const { rows } = await new DashboardRepo(ctx.db).read(mine, {
      start: '2026-10-01',
      end: '2026-11-30',
    });
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.value === '1.00')).toBe(true);
  });

  it('refuses a range that is not made of calendar dates before any SQL', async () => {
    const p = await createProvider(ctx.admin);
    await expect(
      new DashboardRepo(ctx.db).read(p, { start: '2026-02-30', end: '2026-03-31' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      new DashboardRepo(ctx.db).read('not-a-uuid', { start: '2026-02-01', end: '2026-03-31' }),
    ).rejects.toMatchObject({ code: 'INVALID_PROVIDER_ID' });
  });
});

/** A claim inserted as the owner, behind the services' back: its triggers still run. */
async function claimOf(
  providerId: string,
  claim: { state: string; dateOfService: string; paidAt?: string },
) {
  await ownerQuery(
    ctx.admin,
    providerId,
    `insert into claims (provider_id, claim_type, health_service_code, date_of_service,
                         fee_submitted, fee_assessed, state, submitted_at, paid_at)
     values ($1, 'AHCIP', '03.03A', $2, 10.00, $3, $4, $5, $6)`,
    [
      providerId,
      claim.dateOfService,
      claim.paidAt ? '10.00' : null,
      claim.state,
      claim.state === 'draft' ? null : `${claim.dateOfService}T18:00:00Z`,
      claim.paidAt ?? null,
    ],
  );
}

describe('DashboardRepo.read of the months the cache may not hold', () => {
  const spring = { start: '2023-03-01', end: '2023-08-31' };
  const months = [
    '2023-03-01',
    '2023-04-01',
    '2023-05-01',
    '2023-06-01',
    '2023-07-01',
    '2023-08-01',
  ];

  it('names the months with a counted claim and no cache row, by service or payment month', async () => {
    const p = await createProvider(ctx.admin);
    await claimOf(p, { state: 'submitted', dateOfService: '2023-03-10' }); // stored below
    await claimOf(p, { state: 'rejected', dateOfService: '2023-04-10' });
    await claimOf(p, { state: 'draft', dateOfService: '2023-05-10' }); // counts nowhere
    // Served in June, paid at 05:30 UTC on 1 August: 31 July in Edmonton.
    await claimOf(p, {
      state: 'paid',
      dateOfService: '2023-06-10',
      paidAt: '2023-08-01T05:30:00Z',
    });
    await new AnalyticsCacheRepo(ctx.db).bulkUpsert([
      cacheEntry(p, { periodStart: '2023-03-01', periodEnd: '2023-03-31', value: '1' }),
    ]);
    // Another physician's rows and claims change nothing.
    const other = await createProvider(ctx.admin);
    await claimOf(other, { state: 'submitted', dateOfService: '2023-08-10' });
    await new AnalyticsCacheRepo(ctx.db).bulkUpsert([
      cacheEntry(other, { periodStart: '2023-04-01', periodEnd: '2023-04-30', value: '1' }),
    ]);

    const read = await new DashboardRepo(ctx.db).read(p, spring, months);

    expect(read.missingMonths).toEqual(['2023-04-01', '2023-06-01', '2023-07-01']);
    expect((await new DashboardRepo(ctx.db).read(p, spring)).missingMonths).toEqual([]);
  });

  it('finds none among months that hold a cache row or have no counted claim', async () => {
    const p = await createProvider(ctx.admin);
    await claimOf(p, {
      state: 'paid',
      dateOfService: '2023-06-10',
      paidAt: '2023-07-04T18:00:00Z',
    });
    const empty = await createProvider(ctx.admin);
    await new AnalyticsCacheRepo(ctx.db).bulkUpsert([
      cacheEntry(p, { periodStart: '2023-06-01', periodEnd: '2023-06-30', value: '1' }),
      cacheEntry(p, {
        periodStart: '2023-07-01',
        periodEnd: '2023-07-31',
        metricKey: 'paid_count',
      }),
    ]);

    expect((await new DashboardRepo(ctx.db).read(p, spring, months)).missingMonths).toEqual([]);
    expect((await new DashboardRepo(ctx.db).read(empty, spring, months)).missingMonths).toEqual([]);
  });

  it('refuses more months than a period holds, before any SQL', async () => {
    const p = await createProvider(ctx.admin);
    const many = Array.from({ length: 25 }, (_, i) => `20${String(i).padStart(2, '0')}-01-01`);
    await expect(new DashboardRepo(ctx.db).read(p, spring, many)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
