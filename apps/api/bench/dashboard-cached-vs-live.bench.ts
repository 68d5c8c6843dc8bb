import {
  type Clock,
  edmontonDateString,
  monthsBetween,
  OUTSTANDING_METRIC_KEYS,
  previousPeriod,
  resolvePeriod,
  systemClock,
} from '@meritum/shared';
import type { Database } from '../src/db/client';
import { withProviderScope } from '../src/db/provider-scope';
import type { Analytics } from '../src/domains/analytics/analytics.module';
import { MetricsCalculator } from '../src/domains/analytics/metrics/metrics-calculator';
import { dashboardFigures } from '../src/domains/analytics/services/dashboard-breakdowns';
import { figureRowsOf } from '../src/domains/analytics/services/dashboard-figures';
import { retentionWindow } from '../src/domains/analytics/services/retention';
import { ownerQuery } from '../test/factories';
import { refreshCountOf } from '../test/scoped';
import {
  type BenchContext,
  type Benchmark,
  type Measurement,
  median,
  percentile,
  quietAnalytics,
  round,
  timed,
} from './harness';
import { seedSyntheticClaims } from './synthetic-claims';

/** Physicians measured, by their number of claims, and live computations timed for each. */
const SIZES = {
  small: { claims: [1_000, 10_000], liveRequests: 30 },
  large: { claims: [1_000, 10_000, 50_000], liveRequests: 60 },
} as const;
/** Cached reads per live computation: they alternate, so both see the same machine. */
const CACHED_PER_LIVE = 10;
const WARM_UP_ROUNDS = 3;
const GOAL_RATIO = 50;
const PERIOD = 'last_12_months' as const;

const fmt = (n: number) => n.toLocaleString('en-CA');

/**
 * The same dashboard figures two ways, one request at a time in this process: from the warm
 * cache through the dashboard service, and computed from the claims on every request with the
 * refresh's own SQL (MetricsCalculator) summed by the dashboard's own code; for physicians of
 * growing size.
 */
export const dashboardCachedVsLive: Benchmark = {
  id: 'dashboard-cached-vs-live',
  async run(ctx) {
    const { claims: sizes, liveRequests } = SIZES[ctx.size];
    const clock = systemClock;
    const analytics = quietAnalytics(ctx.db);
    const measurements: Measurement[] = [];
    const ratios: Array<{ claims: number; median: number; p99: number }> = [];
    try {
      for (const [i, claims] of sizes.entries()) {
        const [providerId] = await seedSyntheticClaims(ctx.admin, {
          providers: 1,
          claimsPerProvider: claims,
          until: edmontonDateString(clock.now()),
          seed: 23 + i,
        });
        const p = providerId as string;
        await ctx.admin.query('vacuum analyze claims');
        const run = await measure(analytics, ctx, clock, p, liveRequests);
        const ratio = {
          claims,
          median: median(run.liveMs) / median(run.cachedMs),
          p99: percentile(run.liveMs, 99) / percentile(run.cachedMs, 99),
        };
        ratios.push(ratio);
        ctx.log(`  ${fmt(claims)} claims: live ÷ cached ${round(ratio.median, 1)}x`);
        const figures = (ms: number[]) => ({
          requests: ms.length,
          'median ms': round(median(ms), 2),
          'p99 ms': round(percentile(ms, 99), 2),
          'max ms': round(Math.max(...ms), 2),
        });
        const label = `${fmt(claims)} claims (${fmt(run.periodClaims)} in the period)`;
        measurements.push(
          { label: `${label}: from the cache`, figures: figures(run.cachedMs) },
          {
            label: `${label}: from the cache, nothing kept (rows read and summed)`,
            figures: figures(run.unkeptMs),
          },
          {
            label: `${label}: computed live (baseline)`,
            figures: {
              ...figures(run.liveMs),
              'live ÷ cached (median)': `${round(ratio.median, 1)}x`,
            },
          },
        );
      }
    } finally {
      await analytics.close();
    }

    const largest = ratios.at(-1) as (typeof ratios)[number];
    return {
      id: this.id,
      title: `Dashboard from the cache vs computed live: physicians with ${sizes.map(fmt).join(', ')} claims`,
      description:
        `Physicians with ${sizes.map(fmt).join(', ')} claims over 24 months; the last_12_months ` +
        'dashboard, one request at a time in one process. Cached: the dashboard service on a warm ' +
        'cache (the freshness and the figures kept for that cache, in one statement: what every ' +
        'read answers once a read or the refresh assembled them, on any instance); nothing kept: ' +
        'the same read once the kept figures are forgotten (freshness, then the cache rows read ' +
        'and summed, the figures kept after the answer), as for the first read of a custom ' +
        'period, or a read in the moment between a refresh’s commit and its assembling (every ' +
        'view the page offers is assembled behind each sign-in and, for a physician who read ' +
        'in the last two weeks, after each refresh). ' +
        'Live: on every request the refresh’s own SQL ' +
        '(MetricsCalculator: one statement over the claims of those 12 months and of the 12 before, ' +
        'which the comparison needs, every metric and dimension, and the outstanding claims as of ' +
        'today) summed by the dashboard’s own code. Both give the same figures (refusals, ' +
        'adjustments, outstanding and comparison included), checked on ' +
        `every live request. ${CACHED_PER_LIVE} cached requests, each followed by one with nothing kept, ` +
        `follow each live one, after ` +
        `${WARM_UP_ROUNDS} rounds of warm-up.`,
      measurements,
      ratio: {
        label: `live median ÷ cached median at ${fmt(largest.claims)} claims`,
        value: round(largest.median, 1),
        // The goal is set for 50,000 claims, which only the large size measures.
        goal: ctx.size === 'large' ? GOAL_RATIO : undefined,
      },
      notes: ratios.map(
        (r) =>
          `${fmt(r.claims)} claims: live ÷ cached ${round(r.median, 1)}x at the median, ` +
          `${round(r.p99, 1)}x at p99`,
      ),
    };
  },
};

/** One physician: cached and live requests alternating, the figures checked equal. */
async function measure(
  analytics: Analytics,
  { db, admin }: Pick<BenchContext, 'db' | 'admin'>,
  clock: Clock,
  p: string,
  liveRequests: number,
) {
  await analytics.refresher.refreshProvider(p, { months: retentionWindow(clock) });
  const cachedBy = async (dashboards: Analytics['dashboard']) => {
    const dashboard = await dashboards.getDashboard(p, { period: PERIOD });
    if (dashboard.freshness.state !== 'fresh')
      throw new Error(`the cache is ${dashboard.freshness.state}, not fresh`);
    const { freshness: _, ...figures } = dashboard;
    return figures;
  };
  const cached = () => cachedBy(analytics.dashboard);
  // Nothing kept: the span's figures are forgotten before each such read (untimed), as for the
  // first read of a custom period; it reads and sums the rows, and keeps the figures after
  // answering (waited for untimed).
  const forget = () =>
    ownerQuery(admin, p, 'delete from analytics_dashboard_figures where provider_id = $1', [p]);
  const unkept = () => cachedBy(analytics.dashboard);
  const live = () => liveDashboard(db, clock, p);

  const expected = JSON.stringify(await cached());
  await analytics.keptFigures.settled();
  const got = JSON.stringify(await live());
  if (got !== expected)
    throw new Error(`live figures differ from the cached dashboard:\n${got}\n${expected}`);
  const periodClaims = (await cached()).metrics.claimsCount;

  await forget();
  if (JSON.stringify(await unkept()) !== expected)
    throw new Error('the read with nothing kept differs');
  await analytics.keptFigures.settled();
  const keptSpans = await ownerQuery(
    admin,
    p,
    'select 1 from analytics_dashboard_figures where provider_id = $1',
    [p],
  );
  if (keptSpans.rowCount !== 1) throw new Error('the read did not keep its figures');
  const cachedMs: number[] = [];
  const unkeptMs: number[] = [];
  const liveMs: number[] = [];
  for (let r = 0; r < WARM_UP_ROUNDS + liveRequests; r++) {
    const measuring = r >= WARM_UP_ROUNDS;
    const l = await timed(live);
    if (JSON.stringify(l.result) !== expected) throw new Error('live figures changed');
    if (measuring) liveMs.push(l.ms);
    for (let i = 0; i < CACHED_PER_LIVE; i++) {
      const c = await timed(cached);
      if (measuring) cachedMs.push(c.ms);
      await forget();
      const f = await timed(unkept);
      await analytics.keptFigures.settled();
      if (measuring) unkeptMs.push(f.ms);
    }
  }
  const refreshes = await refreshCountOf(db, p);
  if (refreshes !== 1) throw new Error(`${refreshes} refreshes: the cache did not stay warm`);
  return { cachedMs, unkeptMs, liveMs, periodClaims };
}

/**
 * The dashboard's figures (freshness aside) computed from the claims, as a refresh would: in a
 * unit of work of the provider's own.
 */
async function liveDashboard(db: Database, clock: Clock, providerId: string) {
  const period = resolvePeriod(PERIOD, clock);
  const months = monthsBetween(period.start, period.end);
  const previous = previousPeriod(period);
  const before = new Set(monthsBetween(previous.start, previous.end));
  const today = edmontonDateString(clock.now());
  const { entries } = await withProviderScope(db, providerId, (tx) =>
    new MetricsCalculator(tx).compute([...before, ...months], today),
  );
  const rows = figureRowsOf(entries);
  const outstanding = new Set<string>(OUTSTANDING_METRIC_KEYS);
  return {
    period,
    ...dashboardFigures({
      rows: rows.filter((r) => months.includes(r.periodStart) && !outstanding.has(r.metricKey)),
      previous: rows.filter(
        (r) => before.has(r.periodStart) && Object.keys(r.dimensions).length === 0,
      ),
      outstanding: rows.filter((r) => outstanding.has(r.metricKey)),
      outstandingAsOf: today,
      months,
      previousPeriod: previous,
      claimType: undefined,
    }),
  };
}
