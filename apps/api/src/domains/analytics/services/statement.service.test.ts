import { describe, expect, it } from 'vitest';
import {
  type analyticsHarness,
  useAnalyticsHarnesses,
  waitForAdvisoryLock,
} from '../../../../test/analytics-harness';
import { dashboardFromClaims } from '../../../../test/dashboard-reference';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { refreshCountOf } from '../../../../test/scoped';
import { AnalyticsBusyError, StatementNotFoundError } from '../../../lib/errors';
import { REFRESH_LOCK_NAMESPACE } from '../repos/refresh-lock';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);

type Harness = ReturnType<typeof analyticsHarness>;
const HOUR = 3_600_000;
const lastQuarter = { period: 'custom' as const, start: '2026-07-01', end: '2026-09-30' };
const QUARTER = { start: '2026-07-01', end: '2026-09-30' };

/** A claim billed and submitted through the claims service, the hook told or not. */
async function submitted(
  service: Harness['claims'],
  providerId: string,
  dateOfService: string,
  claimType: 'AHCIP' | 'WCB' = 'AHCIP',
) {
  const { id } = await service.create(providerId, {
    claimType,
    healthServiceCode: claimType === 'AHCIP' ? '03.03A' : 'C568',
    dateOfService,
    feeSubmitted: '100.00',
  });
  await service.transition(providerId, id, { to: 'submitted' });
  return id;
}

async function physician(h: Harness) {
  const p = await createProvider(ctx.admin);
  const paid = await submitted(h.claims, p, '2026-07-14');
  await h.claims.transition(p, paid, { to: 'paid' });
  await submitted(h.claims, p, '2026-08-03', 'WCB');
  await submitted(h.claims, p, '2026-09-30');
  await h.analytics.scheduler.idle();
  return p;
}

describe('creating a statement', () => {
  it('freezes the period’s figures, equal to a computation straight from the claims', async () => {
    const h = harness();
    const p = await physician(h);

    const statement = await h.analytics.statements.create(p, lastQuarter);

    expect(statement.period).toEqual(QUARTER);
    expect(statement.figures.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, QUARTER));
    expect(statement.figures.monthly.map((m) => [m.month, m.claimsCount])).toEqual([
      ['2026-07-01', 1],
      ['2026-08-01', 1],
      ['2026-09-01', 1],
    ]);
    expect(statement).toMatchObject({
      state: 'current',
      claimType: 'all',
      claimsCountAtGeneration: 3,
      claimsCountNow: 3,
      generatedAt: h.clock.now().toISOString(),
      expiresAt: new Date(h.clock.now().getTime() + 24 * HOUR).toISOString(),
    });
  });

  it('brings the cache’s dirty months up to date first: a change no refresh has seen is in it', async () => {
    const h = harness();
    const p = await physician(h);
    // A process that died between its commit and the refresh: only the triggers know.
    await submitted(h.unhooked, p, '2026-08-20', 'WCB');

    const statement = await h.analytics.statements.create(p, { ...lastQuarter, claimType: 'WCB' });

    expect(statement.figures.metrics).toEqual(
      await dashboardFromClaims(ctx.admin, p, QUARTER, 'WCB'),
    );
    expect(statement.figures.metrics.claimsCount).toBe(2);
    expect(statement.state).toBe('current');
  });

  it('computes months before the cache’s 24-month window once, then reads them from the cache', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submitted(h.unhooked, p, '2023-05-09');
    await submitted(h.unhooked, p, '2023-06-12', 'WCB');
    const range = { start: '2023-04-01', end: '2023-06-30' };
    const spring = { period: 'custom' as const, ...range };

    const first = await h.analytics.statements.create(p, spring);
    const calls = h.computeCalls.length;
    const again = await h.analytics.statements.create(p, spring);
    const wcb = await h.analytics.statements.create(p, { ...spring, claimType: 'WCB' });

    for (const statement of [first, again]) {
      expect(statement.figures.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, range));
      expect(statement).toMatchObject({ state: 'current', claimsCountAtGeneration: 2 });
    }
    expect(wcb.figures.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, range, 'WCB'));
    // Each later statement refreshed nothing but its (no) dirty months.
    expect(h.computeCalls.slice(calls).map((c) => c.months)).toEqual([[], []]);
  });

  it('has a claim changed in a month before the window in its re-run, matching the claims', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const id = await submitted(h.claims, p, '2023-05-09');
    await h.analytics.scheduler.idle();
    const range = { start: '2023-04-01', end: '2023-06-30' };
    const created = await h.analytics.statements.create(p, { period: 'custom', ...range });

    // A process that died between its commits and the refresh: only the triggers know.
    await h.unhooked.transition(p, id, { to: 'paid' });
    await submitted(h.unhooked, p, '2023-05-31', 'WCB');
    expect((await h.analytics.statements.get(p, created.id)).state).toBe('changed');
    const rerun = await h.analytics.statements.create(p, { period: 'custom', ...range });

    expect(rerun.figures.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, range));
    expect(rerun).toMatchObject({ id: created.id, state: 'current', claimsCountAtGeneration: 2 });
    // Paid today: assessed in its month of service, its payment outside the period.
    expect(rerun.figures.metrics).toMatchObject({ assessedCount: 1, paidCount: 0 });
  });

  it('computes a month before the window whose rows are gone, even one holding only payments', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    // Billed in April 2023, paid in May: May counts no claim, only a payment.
    h.clock.set(new Date('2023-04-28T18:00:00Z'));
    const id = await submitted(h.claims, p, '2023-04-27');
    h.clock.set(new Date('2023-05-10T18:00:00Z'));
    await h.claims.transition(p, id, { to: 'paid' });
    h.clock.set(new Date('2026-11-21T18:00:00Z'));
    await h.analytics.scheduler.idle();
    // As the nightly job used to: every row before the window deleted (behind the repository's
    // back, as no production code deletes by age any more).
    await ownerQuery(
      ctx.admin,
      p,
      `delete from analytics_cache where provider_id = $1 and period_start < '2024-12-01'`,
      [p],
    );
    const may = { start: '2023-05-01', end: '2023-05-31' };

    const statement = await h.analytics.statements.create(p, { period: 'custom', ...may });

    expect(statement.figures.metrics).toEqual(await dashboardFromClaims(ctx.admin, p, may));
    expect(statement.figures.metrics).toMatchObject({ claimsCount: 0, paidCount: 1 });
  });

  it('gives up with ANALYTICS_BUSY while another instance keeps the refresh lock', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const holder = await ctx.admin.connect();
    try {
      await holder.query('select pg_advisory_lock($1, hashtext($2))', [REFRESH_LOCK_NAMESPACE, p]);
      await waitForAdvisoryLock(ctx.admin, { namespace: REFRESH_LOCK_NAMESPACE, key: p });

      await expect(h.analytics.statements.create(p, lastQuarter)).rejects.toBeInstanceOf(
        AnalyticsBusyError,
      );
    } finally {
      await holder.query('select pg_advisory_unlock_all()');
      holder.release();
    }
  });
});

describe('a statement created with an upper-case provider id', () => {
  it('hashes the id as stored, so that its export verifies', async () => {
    const h = harness();
    const p = await physician(h);

    const statement = await h.analytics.statements.create(p.toUpperCase(), lastQuarter);
    const file = await h.analytics.statementExports.exportStatement(
      p,
      '00000000-0000-4000-8000-000000000001',
      statement.id,
      'csv',
    );

    expect(file.bytes.length).toBeGreaterThan(0);
  });
});

describe('reading a stored statement', () => {
  it('is a cache hit: no calculator call and no refresh, by period, by id or in the list', async () => {
    const h = harness();
    const p = await physician(h);
    const created = await h.analytics.statements.create(p, lastQuarter);
    await submitted(h.unhooked, p, '2025-01-10'); // dirty, in another year
    const calls = h.computeCalls.length;
    const refreshes = await refreshCountOf(ctx.db, p);

    const byPeriod = await h.analytics.statements.getByPeriod(p, lastQuarter);
    const byId = await h.analytics.statements.get(p, created.id);
    const listed = await h.analytics.statements.list(p);

    expect(h.computeCalls).toHaveLength(calls);
    expect(await refreshCountOf(ctx.db, p)).toBe(refreshes);
    expect(byPeriod).toEqual(created);
    expect(byId).toEqual(created);
    expect(listed.map((s) => s.id)).toEqual([created.id]);
  });

  it('answers a period or id without a statement with STATEMENT_NOT_FOUND', async () => {
    const h = harness();
    const p = await physician(h);

    await expect(h.analytics.statements.getByPeriod(p, lastQuarter)).rejects.toBeInstanceOf(
      StatementNotFoundError,
    );
    await expect(
      h.analytics.statements.get(p, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toBeInstanceOf(StatementNotFoundError);
  });
});

describe('a statement’s state', () => {
  it('is changed, with both counts, once a claim of its months changes; a re-run makes it current', async () => {
    const h = harness();
    const p = await physician(h);
    const created = await h.analytics.statements.create(p, lastQuarter);

    await submitted(h.claims, p, '2026-08-31');
    const changed = await h.analytics.statements.get(p, created.id);

    expect(changed).toMatchObject({
      state: 'changed',
      claimsCountAtGeneration: 3,
      claimsCountNow: 4,
      changedMonths: ['2026-08-01'],
    });
    const rerun = await h.analytics.statements.create(p, lastQuarter);
    expect(rerun).toMatchObject({
      id: created.id,
      state: 'current',
      claimsCountAtGeneration: 4,
      claimsCountNow: 4,
      changedMonths: [],
    });
  });

  it('is changed by a payment that leaves the claim count as it was', async () => {
    const h = harness();
    const p = await physician(h);
    const pending = await submitted(h.claims, p, '2026-09-02');
    const created = await h.analytics.statements.create(p, lastQuarter);

    await h.claims.transition(p, pending, { to: 'paid' });

    expect(await h.analytics.statements.get(p, created.id)).toMatchObject({
      state: 'changed',
      claimsCountAtGeneration: 4,
      claimsCountNow: 4,
      changedMonths: ['2026-09-01'],
    });
  });

  it('stays current when claims of another year, another claim type, or drafts change', async () => {
    const h = harness();
    const p = await physician(h);
    const created = await h.analytics.statements.create(p, { ...lastQuarter, claimType: 'AHCIP' });

    await submitted(h.claims, p, '2025-08-10');
    await submitted(h.claims, p, '2026-08-10', 'WCB');
    await h.claims.create(p, {
      claimType: 'AHCIP',
      healthServiceCode: '03.03A',
      dateOfService: '2026-08-11',
      feeSubmitted: '1.00',
    });

    expect((await h.analytics.statements.get(p, created.id)).state).toBe('current');
  });

  it('expires 24 hours after it was generated, or after the configured age', async () => {
    const h = harness();
    const p = await physician(h);
    const created = await h.analytics.statements.create(p, lastQuarter);
    const generated = h.clock.now().getTime();

    h.clock.set(new Date(generated + 24 * HOUR));
    expect((await h.analytics.statements.get(p, created.id)).state).toBe('current');
    h.clock.set(new Date(generated + 24 * HOUR + 1));
    expect((await h.analytics.statements.get(p, created.id)).state).toBe('expired');

    const brief = harness({ statementMaxAgeHours: 1 });
    brief.clock.set(new Date(generated + HOUR + 1));
    expect((await brief.analytics.statements.get(p, created.id)).state).toBe('expired');
  });

  it('says changed rather than expired when both hold', async () => {
    const h = harness();
    const p = await physician(h);
    const created = await h.analytics.statements.create(p, lastQuarter);

    await submitted(h.claims, p, '2026-07-20');
    h.clock.set(new Date(h.clock.now().getTime() + 48 * HOUR));

    expect((await h.analytics.statements.get(p, created.id)).state).toBe('changed');
  });
});

describe('deleting a statement', () => {
  it('removes it; another physician’s id is not found and stays', async () => {
    const h = harness();
    const p = await physician(h);
    const q = await physician(h);
    const mine = await h.analytics.statements.create(p, lastQuarter);
    const theirs = await h.analytics.statements.create(q, lastQuarter);

    await expect(h.analytics.statements.remove(p, theirs.id)).rejects.toBeInstanceOf(
      StatementNotFoundError,
    );
    await h.analytics.statements.remove(p, mine.id);

    await expect(h.analytics.statements.get(p, mine.id)).rejects.toBeInstanceOf(
      StatementNotFoundError,
    );
    expect((await h.analytics.statements.get(q, theirs.id)).id).toBe(theirs.id);
  });
});
