import { describe, expect, it } from 'vitest';
import {
  type analyticsHarness,
  silentLogger,
  useAnalyticsHarnesses,
  waitForAdvisoryLock,
} from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { cacheEntry, createProvider, rowsOf } from '../../../../test/factories';
import { freshnessOf, scopedRepo } from '../../../../test/scoped';
import { createAppPool, createDatabase, JOBS_ROLE } from '../../../db/client';
import { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';
import { NIGHTLY_LOCK_KEY, runNightlyRefresh } from './nightly-refresh.job';

// The nightly job lists every provider: this file keeps a database of its own.
const ctx = useTestDatabase({ own: 'nightly' });
const { harness } = useAnalyticsHarnesses(ctx);

function nightly(h: ReturnType<typeof analyticsHarness>) {
  return runNightlyRefresh({
    jobsDb: ctx.jobsDb,
    refresher: h.analytics.refresher,
    clock: h.clock,
    logger: silentLogger,
    pageSize: 2, // several pages even in a small test
  });
}

const newClaim = {
  claimType: 'AHCIP' as const,
  healthServiceCode: '03.03A',
  dateOfService: '2026-10-02',
  feeSubmitted: '42.00',
};

describe('nightly refresh', () => {
  it('completes when a page takes longer than the pool lets a transaction sit idle', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const { id } = await h.unhooked.create(p, newClaim);
    await h.unhooked.transition(p, id, { to: 'submitted' });
    const pool = createAppPool(ctx.url, {
      role: JOBS_ROLE,
      max: 1,
      applicationName: 'meritum-test-nightly-idle',
      idleInTransactionTimeoutMs: 200,
    });
    try {
      const report = await runNightlyRefresh({
        jobsDb: createDatabase(pool),
        refresher: {
          // Each provider takes longer than the listing's transaction may wait idle.
          refreshProvider: async (...args) => {
            await new Promise((resolve) => setTimeout(resolve, 400));
            return h.analytics.refresher.refreshProvider(...args);
          },
        },
        clock: h.clock,
        logger: silentLogger,
        pageSize: 1,
      });
      expect(report).toMatchObject({ status: 'completed', failed: 0 });
      expect((await freshnessOf(ctx.db, p)).cacheVersion).not.toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('refreshes providers whose claims changed, skips current ones, and deletes no row', async () => {
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
    await scopedRepo(ctx.db, current, (tx) => new AnalyticsCacheRepo(tx)).bulkUpsert([
      cacheEntry({ periodStart: '2024-11-01', periodEnd: '2024-11-30', value: '7' }),
    ]);
    const calls = h.computeCalls.length;

    const report = await nightly(h);

    expect(report).toMatchObject({ status: 'completed', refreshed: 1, failed: 0, busy: 0 });
    expect((report as { skipped: number }).skipped).toBeGreaterThanOrEqual(1);
    const refreshedNow = h.computeCalls.slice(calls);
    expect(refreshedNow.map((c) => c.providerId)).toEqual([changed]);
    expect(refreshedNow[0]?.months).toHaveLength(24);
    expect((await rowsOf(ctx.admin, current)).some((r) => r.period_start === '2024-11-01')).toBe(
      true,
    );
    expect((await freshnessOf(ctx.db, changed)).dirtyMonths).toBe(0);
  });

  it('recomputes the dirty months before the window with it, never the other stored ones', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    for (const dateOfService of ['2023-03-14', '2023-05-09']) {
      const { id } = await h.claims.create(p, { ...newClaim, dateOfService });
      await h.claims.transition(p, id, { to: 'submitted' });
    }
    await h.analytics.scheduler.idle();
    // A claim of May 2023 billed by a process that died before its hook ran.
    const { id } = await h.unhooked.create(p, { ...newClaim, dateOfService: '2023-05-20' });
    await h.unhooked.transition(p, id, { to: 'submitted' });
    const calls = h.computeCalls.length;

    expect(await nightly(h)).toMatchObject({ status: 'completed', failed: 0 });

    const mine = h.computeCalls.slice(calls).filter((c) => c.providerId === p);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.months).toHaveLength(25);
    expect(mine[0]?.months).toContain('2023-05-01');
    expect(mine[0]?.months).not.toContain('2023-03-01');
    // Both months served from the cache, March as stored, May with the change.
    const afterNight = h.computeCalls.length;
    const spring = { period: 'custom' as const, start: '2023-03-01', end: '2023-05-31' };
    const dashboard = await h.analytics.dashboard.getDashboard(p, spring);
    expect(dashboard.freshness.state).toBe('fresh');
    expect(dashboard.monthly.map((m) => [m.month, m.claimsCount])).toEqual([
      ['2023-03-01', 1],
      ['2023-04-01', 0],
      ['2023-05-01', 2],
    ]);
    expect(h.computeCalls).toHaveLength(afterNight);
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

  // Last: its clock moves days on, which would make every provider before it due.
  it('recomputes the outstanding figures of a current provider once their day has passed, and only them', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    h.clock.set(new Date('2026-10-05T18:00:00Z'));
    const { id } = await h.unhooked.create(p, newClaim);
    await h.unhooked.transition(p, id, { to: 'submitted' });
    await h.analytics.refresher.refreshProvider(p);
    const calls = h.computeCalls.length;

    await nightly(h); // the same day: nothing to do for this provider
    expect(h.computeCalls.slice(calls).filter((c) => c.providerId === p)).toEqual([]);

    h.clock.set(new Date('2026-10-06T08:00:00Z')); // 02:00 the next day in Edmonton
    await nightly(h);
    const run = h.computeCalls.slice(calls).filter((c) => c.providerId === p);
    expect(run).toEqual([{ providerId: p, months: [] }]);
    expect((await freshnessOf(ctx.db, p)).outstandingAsOf).toBe('2026-10-06');
  });
});
