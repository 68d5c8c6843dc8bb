import { describe, expect, it } from 'vitest';
import {
  type analyticsHarness,
  newClaim,
  refreshSettled,
  submittedClaim,
  useAnalyticsHarnesses,
  waitForAdvisoryLock,
} from '../../../../test/analytics-harness';
import { dashboardFromClaims } from '../../../../test/dashboard-reference';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery, rowsOf } from '../../../../test/factories';
import { freshnessOf, refreshCountOf } from '../../../../test/scoped';
import { REFRESH_LOCK_NAMESPACE } from '../repos/refresh-lock';
import { retentionWindow } from './retention';

const ctx = useTestDatabase();
const { harness, otherInstance } = useAnalyticsHarnesses(ctx);

const thisMonth = { period: 'this_month' as const };

describe('outstanding figures as the days pass', () => {
  it('serves yesterday’s outstanding figures as stale on a new Edmonton day, then today’s, with no claim changed', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    // September 2026: before 1 November, where time-zone data releases disagree on Edmonton.
    h.clock.set(new Date('2026-08-31T18:00:00Z'));
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-08-30' }); // submitted on 31 August
    const september = { period: 'custom' as const, start: '2026-09-01', end: '2026-09-30' };
    h.clock.set(new Date('2026-10-01T05:59:00Z')); // 23:59 on 30 September in Edmonton: 30 days
    const first = await h.analytics.dashboard.getDashboard(p, september);
    expect(first.outstanding).toMatchObject({ asOf: '2026-09-30', total: { claimsCount: 1 } });
    expect(first.outstanding.buckets[0]).toEqual({
      bucket: '0-30',
      claimsCount: 1,
      amount: '100.00',
    });
    expect((await h.analytics.dashboard.getDashboard(p, september)).freshness.state).toBe('fresh');

    h.clock.set(new Date('2026-10-01T06:00:00Z')); // midnight: 1 October, 31 days
    const stale = await h.analytics.dashboard.getDashboard(p, september);
    expect(stale.freshness.state).toBe('stale');
    expect(stale.outstanding.asOf).toBe('2026-09-30');
    await refreshSettled(h.analytics, p);

    const fresh = await h.analytics.dashboard.getDashboard(p, september);
    expect(fresh.freshness.state).toBe('fresh');
    expect(fresh.outstanding.asOf).toBe('2026-10-01');
    expect(fresh.outstanding.buckets.map((b) => b.claimsCount)).toEqual([0, 1, 0, 0]);
    // One day's figures are kept, never two.
    const days = (await rowsOf(ctx.admin, p))
      .filter((r) => r.metric_key.startsWith('outstanding_'))
      .map((r) => r.period_start);
    expect(new Set(days)).toEqual(new Set(['2026-10-01']));
  });
});

describe('dashboard freshness', () => {
  it('computes a cold cache before answering', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);

    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);

    expect(dashboard.freshness.state).toBe('cold');
    expect(dashboard.metrics).toMatchObject({
      claimsCount: 1,
      billedAmount: '100.00',
      pendingAmount: '100.00',
    });
    expect(h.computeCalls).toHaveLength(1);
  });

  it('answers a fresh cache without calling the calculator', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    const calls = h.computeCalls.length;

    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);

    expect(dashboard.freshness).toMatchObject({ state: 'fresh', sourceVersion: '2' });
    expect(dashboard.metrics.claimsCount).toBe(1);
    expect(h.computeCalls).toHaveLength(calls);
  });

  it('serves a stale cache at once, then the new values after the background refresh', async () => {
    const h = harness({ computeDelayMs: 50 });
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    // The process "dies" between this commit and its hook: nothing but the version tells.
    await h.unhooked.transition(p, id, { to: 'paid' });

    const stale = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(stale.freshness.state).toBe('stale');
    expect(stale.metrics).toMatchObject({ pendingAmount: '100.00', paidCount: 0 });

    await refreshSettled(h.analytics, p);
    const fresh = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(fresh.freshness.state).toBe('fresh');
    expect(fresh.metrics).toMatchObject({
      pendingAmount: '0.00',
      paidCount: 1,
      paidAmount: '100.00',
    });
  });

  it('treats a cache older than an hour, by the database clock, as stale', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_refresh_state set refreshed_at = now() - interval '61 minutes' where provider_id = $1`,
      [p],
    );

    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(dashboard.freshness.state).toBe('stale');
    expect(dashboard.freshness.ageSeconds).toBeGreaterThanOrEqual(61 * 60);
    await refreshSettled(h.analytics, p);
    expect((await h.analytics.dashboard.getDashboard(p, thisMonth)).freshness.state).toBe('fresh');
  });

  it('starts exactly one refresh for 50 concurrent reads of a stale cache', async () => {
    const h = harness({ computeDelayMs: 100 });
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    await h.unhooked.transition(p, id, { to: 'rejected' });
    const before = h.computeCalls.length;

    const reads = await Promise.all(
      Array.from({ length: 50 }, () => h.analytics.dashboard.getDashboard(p, thisMonth)),
    );
    await refreshSettled(h.analytics, p);

    expect(h.computeCalls.length - before).toBe(1);
    // Each read saw the cache before or after that one refresh, never anything else.
    // One read found it stale and started the refresh; the others joined it or came after.
    expect(reads.filter((r) => r.freshness.state === 'stale').length).toBeGreaterThanOrEqual(1);
    expect(reads.every((r) => ['stale', 'refreshing', 'fresh'].includes(r.freshness.state))).toBe(
      true,
    );
    expect(reads.every((r) => [0, 1].includes(r.metrics.rejectedCount))).toBe(true);
  });

  it('lets one of two instances (two pools) refresh a provider, the other finding it busy', async () => {
    const a = harness({ computeDelayMs: 300 });
    const p = await createProvider(ctx.admin);
    await submittedClaim(a.unhooked, p);
    const b = otherInstance();
    const first = a.analytics.refresher.refreshProvider(p);
    await waitForAdvisoryLock(ctx.admin, { namespace: REFRESH_LOCK_NAMESPACE, key: p });
    const second = await b.analytics.refresher.refreshProvider(p);

    expect(second).toEqual({ status: 'busy' });
    expect((await first).status).toBe('refreshed');
    expect(await refreshCountOf(ctx.db, p)).toBe(1);
  });

  it("reports 'refreshing' while another instance refreshes the provider", async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    const other = otherInstance({ computeDelayMs: 300 });
    const theirs = other.analytics.refresher.refreshProvider(p);
    await waitForAdvisoryLock(ctx.admin, { namespace: REFRESH_LOCK_NAMESPACE, key: p });

    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);

    expect(dashboard.freshness.state).toBe('refreshing');
    await theirs;
  });

  it('leaves the previous values and the dirty months when a refresh fails midway', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    await h.unhooked.transition(p, id, { to: 'paid' });
    const fn = `fail_consume_${p.replaceAll('-', '')}`;
    // The refresh writes its rows, then fails when it consumes the dirty months.
    await triggerDdl(
      `create function ${fn}() returns trigger language plpgsql as $$
       begin
         if old.provider_id = '${p}' then raise exception 'refresh killed midway'; end if;
         return old;
       end $$`,
      `create trigger ${fn} before delete on analytics_dirty_months for each row execute function ${fn}()`,
    );
    try {
      await expect(h.analytics.refresher.refreshProvider(p)).rejects.toThrow();
    } finally {
      await triggerDdl(`drop trigger ${fn} on analytics_dirty_months`, `drop function ${fn}()`);
    }

    const after = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(after.metrics).toMatchObject({ paidCount: 0, pendingAmount: '100.00' });
    expect(after.freshness.state).toBe('stale');
  });
});

/**
 * DDL of a test's own trigger, as the owner, in one transaction. Citus takes a trigger on a
 * distributed table only when told it is safe, and a function's DDL after one on every shard
 * only when the shards went one at a time; plain PostgreSQL ignores both settings.
 */
async function triggerDdl(...statements: string[]) {
  const owner = await ctx.admin.connect();
  try {
    await owner.query('begin');
    await owner.query('set local citus.enable_unsafe_triggers = on');
    await owner.query(`set local citus.multi_shard_modify_mode = 'sequential'`);
    for (const statement of statements) await owner.query(statement);
    await owner.query('commit');
  } catch (error) {
    await owner.query('rollback');
    throw error;
  } finally {
    owner.release();
  }
}

describe('claim changes racing a refresh', () => {
  it('refreshes again after a commit that came while an earlier refresh was running', async () => {
    const h = harness({ computeDelayMs: 200 });
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    // A refresh (say, a dashboard's behind a stale read) takes its snapshot, then lingers...
    const read = h.nextComputed();
    const earlier = h.analytics.refresher.refreshProvider(p);
    await read;
    // ...while a transition commits, and its hook asks for a refresh.
    await h.claims.transition(p, id, { to: 'paid' });
    await earlier;
    await h.analytics.scheduler.idle();

    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(dashboard.freshness.state).toBe('fresh');
    expect(dashboard.metrics).toMatchObject({ paidCount: 1, pendingAmount: '0.00' });
  });

  it('never calls a cache fresh when a commit slipped in after its refresh read the claims', async () => {
    const h = harness({ computeDelayMs: 200 });
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    const read = h.nextComputed();
    const refresh = h.analytics.refresher.refreshProvider(p, { months: ['2026-11-01'] });
    // After the refresh has read the claims, not merely taken its lock: a commit before the read
    // is one the refresh sees, and rightly leaves nothing dirty.
    await read;
    await h.unhooked.transition(p, id, { to: 'paid' }); // no hook: only the dirty month tells
    await refresh;

    const status = await freshnessOf(ctx.db, p);
    expect(status.dirtyMonths).toBeGreaterThan(0);
    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(dashboard.freshness.state).toBe('stale');
    await refreshSettled(h.analytics, p);
    expect((await h.analytics.dashboard.getDashboard(p, thisMonth)).metrics.paidCount).toBe(1);
  });

  // A smoke test: the deadlock it guards against (claims triggers and a refresh locking dirty
  // months in opposite orders) needs an interleaving inside one statement that a test cannot
  // stage; the refresh prevents it by taking the version row first (holdVersion).
  it('runs concurrent transitions touching two months beside refreshes, all succeeding', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    h.clock.set(new Date('2026-10-05T16:00:00Z'));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-05' }));
    h.clock.set(new Date('2026-11-21T18:00:00Z')); // paid in November: October and November dirty
    let refreshing = true;
    const refreshes = (async () => {
      let count = 0;
      while (refreshing) {
        await h.analytics.refresher.refreshProvider(p, { joinRunning: false });
        count++;
      }
      return count;
    })();

    const outcomes = await Promise.allSettled(
      ids.map((id) => h.unhooked.transition(p, id, { to: 'paid' })),
    );
    refreshing = false;

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await refreshes).toBeGreaterThan(0);
    await h.analytics.refresher.refreshProvider(p, { joinRunning: false });
    const custom = { period: 'custom' as const, start: '2026-10-01', end: '2026-11-30' };
    expect((await h.analytics.dashboard.getDashboard(p, custom)).metrics).toMatchObject({
      claimsCount: 30,
      paidCount: 30,
    });
  });
});

describe('dashboard figures', () => {
  it('sums months, derives ratios from summed parts, and filters on claim type', async () => {
    const h = harness({ now: new Date('2026-11-21T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    const c = h.unhooked;
    // October: 2 AHCIP assessed (1 rejected); November: 1 WCB rejected of 2 assessed, 1 AHCIP paid.
    for (const [month, type, code, end] of [
      ['2026-10-05', 'AHCIP', '03.03A', 'rejected'],
      ['2026-10-06', 'AHCIP', '03.04A', 'paid'],
      ['2026-11-03', 'WCB', 'W100', 'rejected'],
      ['2026-11-04', 'WCB', 'W200', 'paid'],
      ['2026-11-05', 'AHCIP', '03.03A', 'paid'],
      ['2026-11-06', 'AHCIP', '03.03A', 'submitted'],
    ] as const) {
      h.clock.set(new Date(`${month}T16:00:00Z`));
      const id = await submittedClaim(c, p, {
        dateOfService: month,
        claimType: type,
        healthServiceCode: code,
      });
      if (end !== 'submitted') {
        h.clock.set(new Date(`${month.slice(0, 8)}20T16:00:00Z`));
        await c.transition(p, id, { to: end });
      }
    }
    h.clock.set(new Date('2026-11-21T18:00:00Z'));
    const custom = { period: 'custom' as const, start: '2026-10-01', end: '2026-11-30' };

    const all = await h.analytics.dashboard.getDashboard(p, custom);
    expect(all.metrics).toEqual({
      claimsCount: 6,
      billedAmount: '600.00',
      paidAmount: '300.00',
      paidCount: 3,
      rejectedCount: 2,
      assessedCount: 5,
      pendingAmount: '100.00',
      rejectionRate: '0.4000', // 2/5 over the period, not the mean of 1/2 and 1/3
      avgDaysToPayment: '15.0000',
    });
    expect(all.monthly.map((m) => [m.month, m.claimsCount, m.rejectionRate])).toEqual([
      ['2026-10-01', 2, '0.5000'],
      ['2026-11-01', 4, '0.3333'],
    ]);
    expect(all.topHealthServiceCodes[0]).toEqual({
      healthServiceCode: '03.03A',
      claimsCount: 3,
      billedAmount: '300.00',
    });

    const wcb = await h.analytics.dashboard.getDashboard(p, custom, { claimType: 'WCB' });
    expect(wcb.metrics).toMatchObject({
      claimsCount: 2,
      rejectedCount: 1,
      assessedCount: 2,
      rejectionRate: '0.5000',
    });
    expect(wcb.topHealthServiceCodes.map((t) => t.healthServiceCode).sort()).toEqual([
      'W100',
      'W200',
    ]);

    const empty = await h.analytics.dashboard.getDashboard(p, {
      period: 'custom',
      start: '2026-01-01',
      end: '2026-01-31',
    });
    expect(empty.metrics).toMatchObject({
      claimsCount: 0,
      rejectionRate: null,
      avgDaysToPayment: null,
    });
  });
});

// The harness's clock stands in November 2026: the window runs from December 2024.
describe('periods before the 24-month window', () => {
  const spring2023 = { period: 'custom' as const, start: '2023-04-01', end: '2023-06-30' };
  const SPRING = { start: '2023-04-01', end: '2023-06-30' };

  /** The calculator's calls and the provider's refreshes so far. */
  async function watch(h: ReturnType<typeof analyticsHarness>, p: string) {
    return { calls: h.computeCalls.length, refreshes: await refreshCountOf(ctx.db, p) };
  }

  it('computes a period once, then serves it from the cache without recomputing it', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2023-05-09' });
    await submittedClaim(h.unhooked, p, { dateOfService: '2023-06-30', claimType: 'WCB' });
    await submittedClaim(h.unhooked, p); // November 2026

    const first = await h.analytics.dashboard.getDashboard(p, spring2023);
    expect(first.freshness.state).toBe('cold');
    expect(first.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, SPRING));
    const before = await watch(h, p);

    for (const claimType of [undefined, 'AHCIP', 'WCB'] as const) {
      for (let i = 0; i < 3; i++) {
        const again = await h.analytics.dashboard.getDashboard(p, spring2023, { claimType });
        expect(again.freshness.state).toBe('fresh');
        expect(again.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, SPRING, claimType));
      }
    }
    expect(await watch(h, p)).toEqual(before);
  });

  it('computes before answering only the months with claims that the cache does not hold', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2023-05-09' });
    await h.analytics.refresher.refreshProvider(p, { months: retentionWindow(h.clock) });
    // As the nightly job used to: every row before the window deleted (behind the repository's
    // back, as no production code deletes by age any more).
    await ownerQuery(
      ctx.admin,
      p,
      `delete from analytics_cache where provider_id = $1 and period_start < '2024-12-01'`,
      [p],
    );
    expect((await rowsOf(ctx.admin, p)).some((r) => r.period_start === '2023-05-01')).toBe(false);
    const calls = h.computeCalls.length;

    const read = await h.analytics.dashboard.getDashboard(p, spring2023);

    expect(read.freshness.state).toBe('cold');
    expect(h.computeCalls.slice(calls).map((c) => c.months)).toEqual([['2023-05-01']]);
    expect(read.metrics.claimsCount).toBe(1);
    expect((await h.analytics.dashboard.getDashboard(p, spring2023)).freshness.state).toBe('fresh');
    expect(h.computeCalls).toHaveLength(calls + 1);
  });

  it('shows a claim changed in a stored month on the next reads: stale at once, then fresh', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const id = await submittedClaim(h.unhooked, p, { dateOfService: '2023-05-09' });
    await h.analytics.dashboard.getDashboard(p, spring2023);
    // The process dies between this commit and its hook: only the dirty month tells.
    await h.unhooked.transition(p, id, { to: 'rejected' });
    await submittedClaim(h.unhooked, p, { dateOfService: '2023-05-30', feeSubmitted: '12.34' });

    const stale = await h.analytics.dashboard.getDashboard(p, spring2023);
    expect(stale.freshness.state).toBe('stale');
    expect(stale.metrics).toMatchObject({ claimsCount: 1, rejectedCount: 0 });

    await refreshSettled(h.analytics, p);
    const fresh = await h.analytics.dashboard.getDashboard(p, spring2023);
    expect(fresh.freshness.state).toBe('fresh');
    expect(fresh.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, SPRING));
    expect(fresh.metrics).toMatchObject({ claimsCount: 2, rejectedCount: 1 });

    // Through the hook, as a live process tells it: the next read is fresh and has it.
    await submittedClaim(h.claims, p, { dateOfService: '2023-06-15', claimType: 'WCB' });
    await h.analytics.scheduler.idle();
    const told = await h.analytics.dashboard.getDashboard(p, spring2023, { claimType: 'WCB' });
    expect(told.freshness.state).toBe('fresh');
    expect(told.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, SPRING, 'WCB'));
    expect(told.metrics.claimsCount).toBe(1);
  });

  it('never recomputes months without claims: none ever, drafts only, or every claim deleted', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await h.analytics.dashboard.getDashboard(p, thisMonth);
    await h.claims.create(p, newClaim({ dateOfService: '2019-03-05' })); // a draft counts nowhere
    const gone = await submittedClaim(h.claims, p, { dateOfService: '2019-07-05' });
    await h.claims.remove(p, gone);
    await h.analytics.scheduler.idle();
    const before = await watch(h, p);

    for (const period of [
      { period: 'custom' as const, start: '2019-01-01', end: '2020-12-31' },
      { period: 'custom' as const, start: '1900-01-01', end: '1900-12-31' },
    ]) {
      for (let i = 0; i < 3; i++) {
        const read = await h.analytics.dashboard.getDashboard(p, period);
        expect(read.freshness.state).toBe('fresh');
        expect(read.metrics).toMatchObject({ claimsCount: 0, billedAmount: '0.00', paidCount: 0 });
      }
    }
    expect(await watch(h, p)).toEqual(before);
  });

  it('recomputes the months asked for with the window once the cache is an hour old', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2023-05-09' });
    await h.analytics.dashboard.getDashboard(p, spring2023);
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_refresh_state set refreshed_at = now() - interval '61 minutes' where provider_id = $1`,
      [p],
    );
    const calls = h.computeCalls.length;

    const stale = await h.analytics.dashboard.getDashboard(p, spring2023);
    expect(stale.freshness.state).toBe('stale');
    expect(stale.metrics.claimsCount).toBe(1);
    await refreshSettled(h.analytics, p);

    // The period's months and those of the quarter before it, which the comparison reads.
    const behind = h.computeCalls.slice(calls).map((c) => c.months);
    expect(behind).toEqual([
      [
        '2023-01-01',
        '2023-02-01',
        '2023-03-01',
        '2023-04-01',
        '2023-05-01',
        '2023-06-01',
        ...retentionWindow(h.clock),
      ],
    ]);
    expect((await h.analytics.dashboard.getDashboard(p, spring2023)).freshness.state).toBe('fresh');
  });
});
