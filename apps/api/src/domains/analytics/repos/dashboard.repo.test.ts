import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider } from '../../../../test/factories';
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
