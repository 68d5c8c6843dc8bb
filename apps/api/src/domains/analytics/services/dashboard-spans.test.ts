import { previousPeriod, resolvePeriod } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it } from 'vitest';
import { useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider } from '../../../../test/factories';
import { withProviderScope } from '../../../db/provider-scope';
import { insertSyntheticClaims } from '../../../demo/synthetic-claims';
import { DashboardRepo } from '../repos/dashboard.repo';
import { covers, readFromWindow, spanOf, standardSpans, summed, windowOf } from './dashboard-spans';
import { retentionWindow } from './retention';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);

describe('a span read from a window of rows', () => {
  // January and March, where the year to date is one span with another option, and October.
  // Before November 2026: time-zone data releases disagree on Edmonton after it.
  for (const day of ['2026-01-15', '2026-03-15', '2026-10-21']) {
    it(`gives every view the page offers on ${day}, and a custom one, the figures its own read gives`, async () => {
      const h = harness({ now: new Date(`${day}T18:00:00Z`) });
      const p = await createProvider(ctx.admin);
      const owner = await ctx.admin.connect();
      try {
        const options = { count: 2_000, until: day, seed: 5 };
        await insertSyntheticClaims(drizzle({ client: owner }), p, options);
      } finally {
        owner.release();
      }
      await h.analytics.refresher.refreshProvider(p, { months: retentionWindow(h.clock) });
      const standard = standardSpans(h.clock);
      const range = windowOf(standard);
      const custom = spanOf(previousPeriod(resolvePeriod('last_month', h.clock)), 'WCB');
      expect(covers(range, custom)).toBe(true);
      const scoped = <T>(work: (repo: DashboardRepo) => Promise<T>) =>
        withProviderScope(ctx.db, p, (tx) => work(new DashboardRepo(tx)));
      const window = await scoped((repo) => repo.readWindow(range));

      for (const span of [...standard, custom]) {
        const { start, end, claimType } = span.key;
        const own = summed(span, await scoped((repo) => repo.read(span.range))).figures;
        const fromWindow = summed(span, readFromWindow(span, window)).figures;
        expect(fromWindow, `${start} to ${end}, ${claimType}`).toEqual(own);
      }
      // Not a comparison of empty figures: the last 12 months hold codes, refusals,
      // adjustments, the year before them and an outstanding tail.
      const year = spanOf(resolvePeriod('last_12_months', h.clock), undefined);
      const figures = summed(year, readFromWindow(year, window)).figures;
      expect(figures.topHealthServiceCodes.length).toBeGreaterThan(5);
      expect(figures.refusals.length).toBeGreaterThan(3);
      expect(figures.adjustments.length).toBeGreaterThan(1);
      expect(figures.comparison.metrics.claimsCount).toBeGreaterThan(500);
      expect(figures.outstanding.total.claimsCount).toBeGreaterThan(0);
      // The window leaves out the rows by code of the year before, which no view shows.
      expect(window.rows.some((r) => r.periodStart < range.codesFrom)).toBe(true);
      expect(
        window.rows.some(
          (r) => r.periodStart < range.codesFrom && 'health_service_code' in r.dimensions,
        ),
      ).toBe(false);
    });
  }
});
