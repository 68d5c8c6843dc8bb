import { describe, expect, it } from 'vitest';
import {
  type analyticsHarness,
  silentLogger,
  useAnalyticsHarnesses,
  waitForAdvisoryLock,
} from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider, rowsOf } from '../../../../test/factories';
import { NIGHTLY_LOCK_KEY, runNightlyRefresh } from './nightly-refresh.job';

// The nightly job lists every provider: this file keeps a database of its own.
const ctx = useTestDatabase({ own: 'nightly' });
const { harness } = useAnalyticsHarnesses(ctx);

function nightly(h: ReturnType<typeof analyticsHarness>) {
  return runNightlyRefresh({
    jobsDb: ctx.jobsDb,
    refresher: h.analytics.refresher,
    cache: h.analytics.cache,
    clock: h.clock,
    logger: silentLogger,
    pageSize: 2, // several pages even in a small test
  });
}

const newClaim = {
  claimType: 'AHCIP',
  healthServiceCode: '03.03A',
  dateOfService: '2026-10-02',
  feeSubmitted: '42.00',
};

describe('nightly refresh', () => {
  it('refreshes providers whose claims changed, skips current ones, and drops rows past 24 months', async () => {
    const h = harness();
    const changed = await createProvider(ctx.admin);
    const current = await createProvider(ctx.admin);
    for (const p of [changed, current]) {
      const { id } = await h.unhooked.create(p, newClaim);
      await h.unhooked.transition(p, id, { to: 'submitted' });
      await h.analytics.refresher.refreshProvider(p);
    }
    // A change whose hook never ran, and a row older than the window (before December 2024).
    await h.unhooked.create(changed, { ...newClaim, dateOfService: '2026-09-09' });
    await h.analytics.cache.bulkUpsert([
      cacheEntry(current, { periodStart: '2024-11-01', periodEnd: '2024-11-30', value: '7' }),
    ]);
    const calls = h.computeCalls.length;

    const report = await nightly(h);

    expect(report).toMatchObject({
      status: 'completed',
      refreshed: 1,
      failed: 0,
      busy: 0,
      deleted: 1,
    });
    expect((report as { skipped: number }).skipped).toBeGreaterThanOrEqual(1);
    const refreshedNow = h.computeCalls.slice(calls);
    expect(refreshedNow.map((c) => c.providerId)).toEqual([changed]);
    expect(refreshedNow[0]?.months).toHaveLength(24);
    expect((await rowsOf(ctx.admin, current)).some((r) => r.period_start === '2024-11-01')).toBe(
      false,
    );
    expect((await h.analytics.freshness.status(changed)).dirtyMonths).toBe(0);
  });

  it('counts every deleted row when providers finish out of order', async () => {
    const h = harness();
    const [slow, quick] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    for (const p of [slow, quick]) {
      await h.analytics.cache.bulkUpsert([
        cacheEntry(p, { periodStart: '2024-10-01', periodEnd: '2024-10-31' }),
      ]);
    }
    const report = await runNightlyRefresh({
      jobsDb: ctx.jobsDb,
      refresher: h.analytics.refresher,
      cache: {
        async deleteExpiredEntries(providerId, olderThan) {
          const deleted = await h.analytics.cache.deleteExpiredEntries(providerId, olderThan);
          if (providerId === slow) await new Promise((resolve) => setTimeout(resolve, 100));
          return deleted;
        },
      },
      clock: h.clock,
      logger: silentLogger,
    });
    expect(report).toMatchObject({ status: 'completed', deleted: 2 });
  });

  it('runs once when two instances start it at the same time', async () => {
    const a = harness({ computeDelayMs: 200 });
    const b = harness();
    const p = await createProvider(ctx.admin);
    await a.unhooked.create(p, newClaim);

    const first = nightly(a);
    await waitForAdvisoryLock(ctx.admin, { bigint: NIGHTLY_LOCK_KEY });
    const second = await nightly(b);

    expect(second).toEqual({ status: 'locked' });
    expect((await first).status).toBe('completed');
    expect(a.computeCalls).toHaveLength(1);
    expect(b.computeCalls).toEqual([]);
  });
});
