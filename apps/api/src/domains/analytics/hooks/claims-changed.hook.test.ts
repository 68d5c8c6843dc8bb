import { claims, monthsBetween, STORED_METRIC_KEYS } from '@meritum/shared';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { claimHistory, playHistories } from '../../../../test/claim-histories';
import { useTestDatabase } from '../../../../test/db';
import { createProvider } from '../../../../test/factories';
import { asMetricMap, referenceMetrics } from '../../../../test/metrics-reference';
import { freshnessOf, scopedRepo } from '../../../../test/scoped';
import { withProviderScope } from '../../../db/provider-scope';
import { MetricsCalculator } from '../metrics/metrics-calculator';
import { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';

const ctx = useTestDatabase();
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 120_000;
const { harness } = useAnalyticsHarnesses(ctx);

const MONTHS = monthsBetween('2025-12-01', '2026-12-01');
const thisMonth = { period: 'this_month' as const };

describe('claim-state-change hook', () => {
  it('shows a transition on the dashboard after the refresh it triggers', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    const { id } = await h.claims.create(p, {
      claimType: 'WCB',
      healthServiceCode: 'W100',
      dateOfService: '2026-11-10',
      feeSubmitted: '250.00',
    });
    await h.claims.transition(p, id, { to: 'submitted' });
    await h.analytics.scheduler.idle();
    expect((await h.analytics.dashboard.getDashboard(p, thisMonth)).metrics.pendingAmount).toBe(
      '250.00',
    );

    await h.claims.transition(p, id, { to: 'paid' });
    await h.analytics.scheduler.idle();
    const after = await h.analytics.dashboard.getDashboard(p, thisMonth);

    expect(after.freshness.state).toBe('fresh');
    expect(after.metrics).toMatchObject({
      pendingAmount: '0.00',
      paidAmount: '250.00',
      paidCount: 1,
    });
  });

  it('coalesces 500 transitions within a second into a handful of refreshes', async () => {
    const h = harness({ coalesceMs: 200 }); // the production default
    const p = await createProvider(ctx.admin);
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      const claimRow = await h.unhooked.create(p, {
        claimType: i % 2 ? 'AHCIP' : 'WCB',
        healthServiceCode: '03.03A',
        dateOfService: '2026-11-10',
        feeSubmitted: '10.00',
      });
      ids.push(claimRow.id);
    }
    await h.analytics.refresher.refreshProvider(p);
    const before = h.computeCalls.length;

    const started = Date.now();
    await Promise.all(ids.map((id) => h.claims.transition(p, id, { to: 'submitted' })));
    await Promise.all(ids.map((id) => h.claims.transition(p, id, { to: 'paid' })));
    const elapsed = Date.now() - started;
    await h.analytics.scheduler.idle();

    const refreshes = h.computeCalls.length - before;
    expect(refreshes).toBeGreaterThanOrEqual(1);
    // At most one refresh per 200 ms window while the burst lasts, plus one after it.
    expect(refreshes).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
    expect(refreshes).toBeLessThan(50); // an order of magnitude below one per transition
    const dashboard = await h.analytics.dashboard.getDashboard(p, thisMonth);
    expect(dashboard.metrics).toMatchObject({
      paidCount: 250,
      paidAmount: '2500.00',
      pendingAmount: '0.00',
    });
  });

  it(
    'leaves the cache equal to a fresh computation and to the TypeScript reference, for random histories',
    async () => {
      const h = harness();
      await fc.assert(
        fc.asyncProperty(
          fc.array(claimHistory, { minLength: 1, maxLength: 10 }),
          async (histories) => {
            const p = await createProvider(ctx.admin);
            await playHistories(h.claims, h.clock, p, histories);
            await h.analytics.scheduler.idle();

            const cached = await scopedRepo(
              ctx.db,
              p,
              (tx) => new AnalyticsCacheRepo(tx),
            ).getMetrics([...STORED_METRIC_KEYS], MONTHS[0] as string, '2026-12-31');
            // The outstanding figures are of the day the last refresh ran.
            const asOf = (await freshnessOf(ctx.db, p)).outstandingAsOf ?? undefined;
            expect(asOf).toBeDefined();
            const computed = await withProviderScope(ctx.db, p, (tx) =>
              new MetricsCalculator(tx).compute(MONTHS, asOf),
            );
            const finalClaims = await withProviderScope(ctx.db, p, (tx) =>
              tx.db.select().from(claims).where(eq(claims.providerId, p)),
            );
            expect(asMetricMap(cached)).toEqual(asMetricMap(computed.entries));
            expect(asMetricMap(cached)).toEqual(referenceMetrics(finalClaims, MONTHS, asOf));
            expect((await freshnessOf(ctx.db, p)).dirtyMonths).toBe(0);
          },
        ),
        { numRuns: 25 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
