import { describe, expect, it } from 'vitest';
import {
  type analyticsHarness,
  refreshSettled,
  submittedClaim,
  useAnalyticsHarnesses,
} from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { freshnessOf } from '../../../../test/scoped';
import { type Span, standardSpans } from './dashboard-spans';

const ctx = useTestDatabase();
const { harness, otherInstance } = useAnalyticsHarnesses(ctx);

const thisMonth = { period: 'this_month' as const };
/** Custom periods: no view the page offers in October 2026 covers them. */
const summer = { period: 'custom' as const, start: '2026-06-01', end: '2026-08-31' };
const autumn = { period: 'custom' as const, start: '2026-09-01', end: '2026-10-31' };

const keyOf = (span: Span) => ({
  period_start: span.key.start,
  period_end: span.key.end,
  claim_type: span.key.claimType,
});

/** The spans kept for the provider, with the day each was last read. */
async function keptSpans(p: string) {
  const { rows } = await ownerQuery(
    ctx.admin,
    p,
    `select period_start::text, period_end::text, claim_type, read_on::text
       from analytics_dashboard_figures where provider_id = $1
      order by period_start, period_end, claim_type`,
    [p],
  );
  return rows as Array<ReturnType<typeof keyOf> & { read_on: string }>;
}

describe('figures kept between reads of the same cache', () => {
  // The cache's rows are changed here by the owner, behind the refresh's back, which the
  // application never does: the only way to see whether a read summed them again.
  const doubleBilled = (p: string) =>
    ownerQuery(
      ctx.admin,
      p,
      `update analytics_cache set value = value * 2
        where provider_id = $1 and metric_key = 'billed_amount'`,
      [p],
    );
  /** A dashboard read, once the figures it assembled are kept. */
  const readAndKept = async (
    h: ReturnType<typeof analyticsHarness>,
    p: string,
    claimType?: 'AHCIP' | 'WCB',
  ) => {
    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth, { claimType });
    await h.analytics.keptFigures.settled();
    return dashboard;
  };

  it('sums the rows once per refresh: later reads of the same cache, on any instance, answer the kept figures', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    expect((await readAndKept(h, p)).metrics.billedAmount).toBe('100.00');
    await doubleBilled(p);

    const again = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(again.freshness.state).toBe('fresh');
    expect(again.metrics.billedAmount).toBe('100.00');
    const other = await otherInstance().analytics.dashboard.getDashboard(p, thisMonth);
    expect(other).toEqual(again);
    // Another period, or one claim type, is summed from the rows as they now stand.
    const ahcip = await h.analytics.dashboard.getDashboard(p, thisMonth, { claimType: 'AHCIP' });
    expect(ahcip.metrics.billedAmount).toBe('200.00');
  });

  it('answers from the kept figures exactly what it answered when it summed the rows', async () => {
    const h = harness({ now: new Date('2026-10-21T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-02', feeSubmitted: '85.50' });
    const id = await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-03' });
    await h.unhooked.transition(p, id, { to: 'rejected', explanatoryCodes: ['AA', 'MA08'] });
    await submittedClaim(h.unhooked, p, { claimType: 'WCB', dateOfService: '2026-09-12' });
    const quarter = { period: 'this_quarter' as const };
    const summed = await h.analytics.dashboard.getDashboard(p, quarter);
    await h.analytics.keptFigures.settled();
    const kept = await otherInstance({
      now: new Date('2026-10-21T18:00:00Z'),
    }).analytics.dashboard.getDashboard(p, quarter);
    // The first read found the cache cold; the second, fresh. All else is the same.
    expect([summed.freshness.state, kept.freshness.state]).toEqual(['cold', 'fresh']);
    expect({ ...kept, freshness: null }).toEqual({ ...summed, freshness: null });
    expect(kept.refusals).toHaveLength(2);
  });

  it('reads the rows again after any refresh, even one that found no claim changed', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await readAndKept(h, p);
    await ownerQuery(
      ctx.admin,
      p,
      'delete from analytics_dashboard_figures where provider_id = $1',
      [p],
    );
    await readAndKept(h, p);
    await doubleBilled(p);
    const before = await freshnessOf(ctx.db, p);
    // Another instance refreshes: this one hears nothing of it.
    await otherInstance().analytics.refresher.refreshProvider(p);
    const after = await freshnessOf(ctx.db, p);
    // The same cache version; only the count of refreshes tells the two caches apart.
    expect(after.cacheVersion).toBe(before.cacheVersion);
    expect(after.refreshCount).toBe(before.refreshCount + 1);

    // The refresh recomputed nothing (no month asked for, none dirty), so the doubled row stays.
    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(dashboard.freshness.state).toBe('fresh');
    expect(dashboard.metrics.billedAmount).toBe('200.00');
  });

  it('never serves figures kept in another format', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await readAndKept(h, p);
    await doubleBilled(p);
    await ownerQuery(
      ctx.admin,
      p,
      'update analytics_dashboard_figures set format = format + 1',
      [],
    );
    expect((await h.analytics.dashboard.getDashboard(p, thisMonth)).metrics.billedAmount).toBe(
      '200.00',
    );
  });

  it('assembles the kept figures again when a refresh commits, before the next read', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await readAndKept(h, p);
    await readAndKept(h, p, 'WCB');
    await submittedClaim(h.unhooked, p, { claimType: 'WCB', feeSubmitted: '50.00' });
    // The refresh's callers wait for the figures to be assembled from the new cache.
    await h.analytics.refresher.refreshProvider(p);
    await doubleBilled(p);

    const all = await otherInstance().analytics.dashboard.getDashboard(p, thisMonth);
    expect(all.freshness).toMatchObject({ state: 'fresh', sourceVersion: '4' });
    expect(all.metrics).toMatchObject({ claimsCount: 2, billedAmount: '150.00' });
    const wcb = await h.analytics.dashboard.getDashboard(p, thisMonth, { claimType: 'WCB' });
    expect(wcb.metrics).toMatchObject({ claimsCount: 1, billedAmount: '50.00' });
    // Every view the page offers was assembled too, read or not.
    const ahcip = await h.analytics.dashboard.getDashboard(p, thisMonth, { claimType: 'AHCIP' });
    expect(ahcip.metrics.billedAmount).toBe('100.00');
    // A custom period nobody had read is summed from the rows as they now stand.
    const custom = await h.analytics.dashboard.getDashboard(p, {
      period: 'custom',
      start: '2026-08-01',
      end: '2026-11-30',
    });
    expect(custom.metrics.billedAmount).toBe('300.00');
  });

  it('assembles again after a refresh every view the page offers and the custom ones read in the last two weeks', async () => {
    const h = harness({ now: new Date('2026-10-10T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-02' });
    await readAndKept(h, p);
    await h.analytics.dashboard.getDashboard(p, summer);
    h.clock.set(new Date('2026-10-20T18:00:00Z'));
    await h.analytics.dashboard.getDashboard(p, autumn); // stale: a new day's outstanding
    await refreshSettled(h.analytics, p);
    await h.analytics.keptFigures.settled();
    h.clock.set(new Date('2026-10-26T18:00:00Z'));
    await h.analytics.refresher.refreshProvider(p);
    const spans = await keptSpans(p);
    // The summer, read on the 10th, is forgotten; the autumn keeps the day it was read; the
    // views the page offers (5 periods, 3 claim types), assembled, never count as read lately.
    expect(spans).toHaveLength(16);
    expect(spans.filter((s) => s.read_on !== '2026-10-11')).toEqual([
      {
        period_start: '2026-09-01',
        period_end: '2026-10-31',
        claim_type: 'all',
        read_on: '2026-10-20',
      },
    ]);
    const views = standardSpans(h.clock).map((s) => ({ ...keyOf(s), read_on: '2026-10-11' }));
    expect(spans.filter((s) => s.read_on === '2026-10-11')).toEqual(expect.arrayContaining(views));
  });

  it('assembles after a refresh a custom span its window does not cover, from a read of its own', async () => {
    const h = harness({ now: new Date('2026-10-21T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    // Spring 2025: before the last 12 months, where the views the page offers show codes.
    const spring = { period: 'custom' as const, start: '2025-03-01', end: '2025-06-30' };
    await submittedClaim(h.unhooked, p, { dateOfService: '2025-04-10' });
    await h.analytics.dashboard.getDashboard(p, spring);
    await h.analytics.keptFigures.settled();
    await submittedClaim(h.unhooked, p, { dateOfService: '2025-05-12', claimType: 'WCB' });
    await h.analytics.refresher.refreshProvider(p);
    await doubleBilled(p);
    const again = await h.analytics.dashboard.getDashboard(p, spring);
    expect(again.freshness.state).toBe('fresh');
    expect(again.metrics).toMatchObject({ claimsCount: 2, billedAmount: '200.00' });
    expect(again.topHealthServiceCodes).toHaveLength(1);
  });

  it('assembles once for a refresh with another queued behind it: after the later one', async () => {
    const h = harness({ computeDelayMs: 100 });
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p);
    await readAndKept(h, p);
    const assembledAt: number[] = [];
    h.analytics.refresher.onRefreshed(async (providerId) => {
      if (providerId === p) assembledAt.push((await freshnessOf(ctx.db, p)).refreshCount);
    });
    const before = (await freshnessOf(ctx.db, p)).refreshCount;
    const first = h.analytics.refresher.refreshProvider(p);
    // Another month asked for while the first runs: queued behind it.
    const second = h.analytics.refresher.refreshProvider(p, { months: ['2026-10-01'] });
    await Promise.all([first, second]);
    expect(assembledAt).toEqual([before + 2]);
    const spans = await ownerQuery(
      ctx.admin,
      p,
      `select distinct refresh_count::int as n from analytics_dashboard_figures
        where provider_id = $1`,
      [p],
    );
    expect(spans.rows).toEqual([{ n: before + 2 }]);
  });

  it('stops assembling for a physician who has read nothing for two weeks, refreshes or not', async () => {
    const h = harness({ now: new Date('2026-10-01T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-09-28' });
    await readAndKept(h, p);
    for (const day of ['2026-10-02', '2026-10-09', '2026-10-14']) {
      h.clock.set(new Date(`${day}T18:00:00Z`));
      await h.analytics.refresher.refreshProvider(p);
    }
    // The read on the 1st still counts on the 14th (since the 30th of September).
    expect(await keptSpans(p)).toHaveLength(15);
    h.clock.set(new Date('2026-10-16T18:00:00Z'));
    await h.analytics.refresher.refreshProvider(p);
    expect(await keptSpans(p)).toEqual([]);
  });

  it('keeps assembling after each refresh a custom span read often from its kept figures', async () => {
    const h = harness({ now: new Date('2026-10-05T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-02' });
    await h.analytics.dashboard.getDashboard(p, autumn); // summed on the 5th, and kept
    await h.analytics.keptFigures.settled();
    h.clock.set(new Date('2026-10-15T18:00:00Z'));
    await h.analytics.refresher.refreshProvider(p); // the new day's outstanding figures
    const again = await h.analytics.dashboard.getDashboard(p, autumn); // kept, noted read
    await h.analytics.keptFigures.settled();
    expect(again.freshness.state).toBe('fresh');
    h.clock.set(new Date('2026-10-25T18:00:00Z'));
    await h.analytics.refresher.refreshProvider(p);
    const custom = (await keptSpans(p)).filter(
      (s) => s.period_start === autumn.start && s.period_end === autumn.end,
    );
    expect(custom.map((s) => s.read_on)).toEqual(['2026-10-15']);
  });

  it('keeps after a refresh every view the page offers, unread, for a physician who read another view lately', async () => {
    const now = new Date('2026-10-21T18:00:00Z');
    const h = harness({ now });
    const [p, idle] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    for (const provider of [p, idle]) {
      await submittedClaim(h.unhooked, provider, { dateOfService: '2026-10-02' });
    }
    await h.analytics.refresher.refreshProvider(idle);
    await readAndKept(h, p, 'WCB');
    await submittedClaim(h.unhooked, p, { dateOfService: '2026-10-03' });
    await h.analytics.refresher.refreshProvider(p);
    await doubleBilled(p);
    // Another instance opens the page: the figures the refresh assembled, not the rows.
    const opened = await otherInstance({ now }).analytics.dashboard.getDashboard(p, {
      period: 'last_12_months',
    });
    expect(opened.freshness.state).toBe('fresh');
    expect(opened.metrics.billedAmount).toBe('200.00');
    const quarter = await otherInstance({ now }).analytics.dashboard.getDashboard(
      p,
      { period: 'this_quarter' },
      { claimType: 'AHCIP' },
    );
    expect(quarter.metrics.billedAmount).toBe('200.00');
    // A physician who read nothing lately: the refresh kept nothing for them.
    const kept = await ownerQuery(
      ctx.admin,
      idle,
      'select count(*)::int as n from analytics_dashboard_figures where provider_id = $1',
      [idle],
    );
    expect(kept.rows).toEqual([{ n: 0 }]);
  });

  it('keeps one physician’s figures from another’s, for the same period and cache version', async () => {
    const h = harness();
    const [p, q] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    await submittedClaim(h.unhooked, p, { feeSubmitted: '100.00' });
    await submittedClaim(h.unhooked, q, { feeSubmitted: '250.00' });
    const first = await readAndKept(h, p);
    const second = await readAndKept(h, q);
    expect(second.freshness.sourceVersion).toBe(first.freshness.sourceVersion);
    expect((await h.analytics.dashboard.getDashboard(p, thisMonth)).metrics.billedAmount).toBe(
      '100.00',
    );
    expect((await h.analytics.dashboard.getDashboard(q, thisMonth)).metrics.billedAmount).toBe(
      '250.00',
    );
  });
});
