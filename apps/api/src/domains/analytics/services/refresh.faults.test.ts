import { describe, expect, it } from 'vitest';
import { useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, rowsOf } from '../../../../test/factories';
import { backendsGone, killableRefresher } from '../../../../test/killable-refresh';
import { freshnessOf, scopedRepo } from '../../../../test/scoped';
import { isDatabaseUnavailable } from '../../../db/postgres-errors';
import { FreshnessRepo } from '../repos/freshness.repo';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);
/** The provider's dirty months, read in a unit of work of their own. */
const dirtyMonthsOf = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new FreshnessRepo(tx)).dirtyMonths();

const claim = {
  claimType: 'AHCIP' as const,
  healthServiceCode: '03.03A',
  dateOfService: '2026-11-02',
  feeSubmitted: '100.00',
};

// A refresh that fails in SQL after writing is in dashboard.service.test.ts ("leaves the
// previous values and the dirty months when a refresh fails midway"); here its connection dies.
describe('a refresh whose connection is killed mid-transaction', () => {
  it.each([
    ['during a statement', 'sleeping'],
    ['between two statements', 'idle'],
  ] as const)(
    'leaves the previous values and the dirty months when killed %s; the next refresh completes',
    async (_when, mode) => {
      const h = harness();
      const p = await createProvider(ctx.admin);
      const { id } = await h.unhooked.create(p, claim);
      await h.unhooked.transition(p, id, { to: 'submitted' });
      await h.analytics.refresher.refreshProvider(p);
      const before = await rowsOf(ctx.admin, p);
      const versionBefore = (await freshnessOf(ctx.db, p)).cacheVersion;
      await h.unhooked.transition(p, id, { to: 'paid' });
      const dirty = await dirtyMonthsOf(p);

      const killable = killableRefresher(ctx.db, { pauseFrom: 1, mode });
      const refresh = killable.refresher.refreshProvider(p).then(
        () => undefined,
        (error: unknown) => error,
      );
      const [paused] = await killable.paused(1);
      expect(paused?.written).toBeGreaterThan(0);
      await ctx.admin.query('select pg_terminate_backend($1)', [paused?.pid]);
      await backendsGone(ctx.admin, [paused?.pid ?? 0]);
      killable.letGo();

      const failure = await refresh;
      expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
      expect(await rowsOf(ctx.admin, p)).toEqual(before);
      expect(await dirtyMonthsOf(p)).toEqual(dirty);
      expect(await freshnessOf(ctx.db, p)).toMatchObject({
        cacheVersion: versionBefore,
        refreshing: false,
      });
      expect(killable.refresher.isRefreshing(p)).toBe(false);

      // The same pool serves the next refresh, which lands the change.
      expect(await h.analytics.refresher.refreshProvider(p)).toMatchObject({ status: 'refreshed' });
      const after = await freshnessOf(ctx.db, p);
      expect(after).toMatchObject({ cacheVersion: after.dataVersion, dirtyMonths: 0 });
      const paidCount = (await rowsOf(ctx.admin, p)).find(
        (r) =>
          r.metric_key === 'paid_count' &&
          r.period_start === '2026-11-01' &&
          JSON.stringify(r.dimensions) === '{}',
      );
      expect(paidCount?.value).toBe('1');
    },
  );
});
