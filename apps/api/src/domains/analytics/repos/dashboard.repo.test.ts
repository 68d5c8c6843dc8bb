import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import {
  cacheEntry,
  createProvider,
  ownerQuery,
  setRefreshCount,
} from '../../../../test/factories';
import { freshnessOf, scopedRepo } from '../../../../test/scoped';
import { withProviderScope } from '../../../db/provider-scope';
import { AnalyticsCacheRepo } from './analytics-cache.repo';
import { DashboardRepo } from './dashboard.repo';
import { DashboardFiguresRepo } from './dashboard-figures.repo';

const ctx = useTestDatabase();
/** The provider's cache and dashboard reads, each call a unit of work of its own. */
const cache = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new AnalyticsCacheRepo(tx));
const dashboard = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new DashboardRepo(tx));

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
      cacheEntry({ ...month, dimensions, metricKey: 'billed_amount', value }),
    ),
  );
  await cache(providerId).bulkUpsert(entries);
  return providerId;
}

const shapes = (rows: Array<{ periodStart: string; dimensions: object }>) =>
  rows.map((r) => `${r.periodStart} ${JSON.stringify(r.dimensions)}`).sort();

describe('DashboardRepo.read', () => {
  it('reads no row when it finds figures kept for the cache as it stands, and all when it does not', async () => {
    const p = await providerWithRows('10.00');
    const range = { start: '2026-11-01', end: '2026-11-30' };
    const span = { ...range, claimType: 'all' };
    const kept = { span, format: 1 };
    await setRefreshCount(ctx.admin, p, 1);
    await scopedRepo(ctx.db, p, (tx) => new DashboardFiguresRepo(tx)).keep(
      span,
      { format: 1, refreshCount: 1, figures: { kept: true }, readOn: '2026-11-20' },
      12,
    );
    const found = await dashboard(p).read(range, [], kept);
    expect(found).toMatchObject({ kept: { kept: true }, rows: [], outstanding: [] });
    await setRefreshCount(ctx.admin, p, 2);
    const after = await dashboard(p).read(range, [], kept);
    expect(after.kept).toBeNull();
    expect(after.rows).toHaveLength(2);
  });

  it('reads totals and code-level rows of the range, with exact values', async () => {
    const p = await providerWithRows('1234567890.12');
    const { rows } = await dashboard(p).read({ start: '2026-11-01', end: '2026-11-30' });
    expect(shapes(rows)).toEqual([
      `2026-11-01 {"claim_type":"AHCIP","health_service_code":"03.03A"}`,
      '2026-11-01 {}',
    ]);
    expect(rows.map((r) => r.value)).toEqual(['1234567890.12', '1234567890.12']);
    expect(rows.every((r) => r.metricKey === 'billed_amount')).toBe(true);
  });

  it('reads one claim type’s rows and its code-level rows under a claim-type filter', async () => {
    const p = await providerWithRows('10.00');
    const { rows } = await dashboard(p).read({
      start: '2026-10-01',
      end: '2026-11-30',
      claimType: 'WCB',
    });
    expect(shapes(rows)).toEqual([
      '2026-10-01 {"claim_type":"WCB"}',
      '2026-11-01 {"claim_type":"WCB"}',
    ]);
  });

  it('reports the same status as the freshness query read on its own', async () => {
    const p = await providerWithRows('1.00');
    // A claim bumps the data version and dirties its month: a status that is not all defaults.
    await claimOf(p, { state: 'submitted', dateOfService: '2026-11-10' });
    const { status } = await dashboard(p).read({ start: '2026-11-01', end: '2026-11-30' });
    const alone = await freshnessOf(ctx.db, p);
    expect(status).toMatchObject({ dataVersion: '1', cacheVersion: null, dirtyMonths: 1 });
    expect({ ...status, ageSeconds: null }).toEqual({ ...alone, ageSeconds: null });
  });

  it('never reads another provider’s rows', async () => {
    const mine = await providerWithRows('1.00');
    await providerWithRows('999.99');
    const { rows } = await dashboard(mine).read({ start: '2026-10-01', end: '2026-11-30' });
    // Two monthly totals, and the code's row summed over the two months in SQL.
    expect(
      rows.map((r) => `${r.periodStart} ${JSON.stringify(r.dimensions)} ${r.value}`).sort(),
    ).toEqual([
      '2026-10-01 {"claim_type":"AHCIP","health_service_code":"03.03A"} 2.00',
      '2026-10-01 {} 1.00',
      '2026-11-01 {} 1.00',
    ]);
  });

  it('reads inside the unit of work it is given: rows written earlier in it count before commit', async () => {
    const p = await createProvider(ctx.admin);
    const range = { start: '2026-11-01', end: '2026-11-30' };

    const inside = await withProviderScope(ctx.db, p, async (tx) => {
      await new AnalyticsCacheRepo(tx).bulkUpsert([
        cacheEntry({ metricKey: 'billed_amount', value: '7.00' }),
      ]);
      return new DashboardRepo(tx).read(range);
    });

    expect(inside.rows).toEqual([
      { metricKey: 'billed_amount', periodStart: '2026-11-01', dimensions: {}, value: '7.00' },
    ]);
    expect((await dashboard(p).read(range)).rows).toEqual(inside.rows);
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

describe('DashboardRepo.readWindow', () => {
  it('reads the provider’s rows month by month, codes only from codesFrom, with the outstanding ones and the status', async () => {
    const mine = await providerWithRows('1.00');
    await providerWithRows('999.99');
    const outstanding = cacheEntry({
      metricKey: 'outstanding_count',
      periodStart: '2026-11-21',
      periodEnd: '2026-11-21',
      dimensions: { age_bucket: '0-30' },
      value: '3',
    });
    await cache(mine).bulkUpsert([outstanding]);
    await setRefreshCount(ctx.admin, mine, 5);
    const range = { start: '2026-10-01', codesFrom: '2026-11-01', end: '2026-11-30' };
    const window = await dashboard(mine).readWindow(range);
    expect(window.status.refreshCount).toBe(5);
    const { ageSeconds: _, ...status } = (await dashboard(mine).read({ ...range })).status;
    expect(window.status).toMatchObject(status);
    // October's rows by code are left out: before codesFrom, totals alone.
    expect(
      window.rows.map((r) => `${r.periodStart} ${JSON.stringify(r.dimensions)} ${r.value}`).sort(),
    ).toEqual([
      '2026-10-01 {"claim_type":"AHCIP"} 1.00',
      '2026-10-01 {"claim_type":"WCB"} 1.00',
      '2026-10-01 {} 1.00',
      '2026-11-01 {"claim_type":"AHCIP","health_service_code":"03.03A"} 1.00',
      '2026-11-01 {"claim_type":"AHCIP"} 1.00',
      '2026-11-01 {"claim_type":"WCB"} 1.00',
      '2026-11-01 {} 1.00',
    ]);
    expect(window.outstanding).toEqual([
      {
        metricKey: 'outstanding_count',
        periodStart: '2026-11-21',
        dimensions: { age_bucket: '0-30' },
        value: '3',
      },
    ]);
  });

  it('reads the status of a provider with no cache row', async () => {
    const p = await createProvider(ctx.admin);
    const window = await dashboard(p).readWindow({
      start: '2026-10-01',
      codesFrom: '2026-10-01',
      end: '2026-11-30',
    });
    expect(window).toEqual({ status: await freshnessOf(ctx.db, p), rows: [], outstanding: [] });
    expect(window.status.cacheVersion).toBeNull();
  });
});

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
    await cache(p).bulkUpsert([
      cacheEntry({ periodStart: '2023-03-01', periodEnd: '2023-03-31', value: '1' }),
    ]);
    // Another physician's rows and claims change nothing.
    const other = await createProvider(ctx.admin);
    await claimOf(other, { state: 'submitted', dateOfService: '2023-08-10' });
    await cache(other).bulkUpsert([
      cacheEntry({ periodStart: '2023-04-01', periodEnd: '2023-04-30', value: '1' }),
    ]);

    const read = await dashboard(p).read(spring, months);

    expect(read.missingMonths).toEqual(['2023-04-01', '2023-06-01', '2023-07-01']);
    expect((await dashboard(p).read(spring)).missingMonths).toEqual([]);
  });

  it('finds none among months that hold a cache row or have no counted claim', async () => {
    const p = await createProvider(ctx.admin);
    await claimOf(p, {
      state: 'paid',
      dateOfService: '2023-06-10',
      paidAt: '2023-07-04T18:00:00Z',
    });
    const empty = await createProvider(ctx.admin);
    await cache(p).bulkUpsert([
      cacheEntry({ periodStart: '2023-06-01', periodEnd: '2023-06-30', value: '1' }),
      cacheEntry({
        periodStart: '2023-07-01',
        periodEnd: '2023-07-31',
        metricKey: 'paid_count',
      }),
    ]);

    expect((await dashboard(p).read(spring, months)).missingMonths).toEqual([]);
    expect((await dashboard(empty).read(spring, months)).missingMonths).toEqual([]);
  });
});
