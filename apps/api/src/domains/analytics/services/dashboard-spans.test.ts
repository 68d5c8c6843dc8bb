import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it } from 'vitest';
import { useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider } from '../../../../test/factories';
import { withProviderScope } from '../../../db/provider-scope';
import { insertSyntheticClaims } from '../../../demo/synthetic-claims';
import { DashboardRepo } from '../repos/dashboard.repo';
import { readFromWindow, spanOf, standardSpans, summed, windowOf } from './dashboard-spans';
import { retentionWindow } from './retention';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);

describe('a span read from a window of rows', () => {
  it('gives every view the page offers, and custom ones, the figures its own read gives', async () => {
    const h = harness({ now: new Date('2026-10-21T18:00:00Z') });
    const p = await createProvider(ctx.admin);
    const owner = await ctx.admin.connect();
    try {
      const options = { count: 2_000, until: '2026-10-21', seed: 5 };
      await insertSyntheticClaims(drizzle({ client: owner }), p, options);
    } finally {
      owner.release();
    }
    await h.analytics.refresher.refreshProvider(p, { months: retentionWindow(h.clock) });
    const spans = [
      ...standardSpans(h.clock),
      spanOf({ start: '2025-02-01', end: '2025-09-30' }, undefined),
      spanOf({ start: '2024-11-01', end: '2026-10-31' }, 'WCB'),
    ];
    const scoped = <T>(work: (repo: DashboardRepo) => Promise<T>) =>
      withProviderScope(ctx.db, p, (tx) => work(new DashboardRepo(tx)));
    const window = await scoped((repo) => repo.readWindow(windowOf(spans)));

    for (const span of spans) {
      const { start, end, claimType } = span.key;
      const own = summed(span, await scoped((repo) => repo.read(span.range))).figures;
      const fromWindow = summed(span, readFromWindow(span, window)).figures;
      expect(fromWindow, `${start} to ${end}, ${claimType}`).toEqual(own);
    }
    // Not a comparison of empty figures: the year holds codes, refusals, adjustments, the
    // year before it and an outstanding tail.
    const year = spans.find((s) => s.key.start === '2025-11-01' && s.key.claimType === 'all');
    const span = year as (typeof spans)[number];
    const figures = summed(span, readFromWindow(span, window)).figures;
    expect(figures.topHealthServiceCodes.length).toBeGreaterThan(5);
    expect(figures.refusals.length).toBeGreaterThan(3);
    expect(figures.adjustments.length).toBeGreaterThan(1);
    expect(figures.comparison.metrics.claimsCount).toBeGreaterThan(500);
    expect(figures.outstanding.total.claimsCount).toBeGreaterThan(0);
  });
});
