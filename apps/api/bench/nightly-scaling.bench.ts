import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { NightlyReport } from '../src/domains/analytics/jobs/nightly-refresh.job';
import { type Benchmark, type Measurement, round, timed } from './harness';
import { runJsonChild } from './json-child';
import { seedSyntheticClaims } from './synthetic-claims';

const CLAIMS_PER_PROVIDER = 1_000;
/** Claims in the database at each point of the curve. */
const SIZES = {
  small: [10_000, 25_000, 50_000, 100_000],
  large: [250_000, 500_000, 1_000_000, 2_000_000],
} as const;
/** The largest run may take at most this many times the one at half its size. */
const GOAL_DOUBLING = 2.4;
/**
 * Memory is flat when the largest run's peak RSS is within this factor of the smallest's, for
 * 8 times the claims (it would be 8x if memory grew with the data; GC timing moves it a little).
 */
const GOAL_RSS_FACTOR = 1.5;

const fmt = (n: number) => n.toLocaleString('en-CA');

const child = fileURLToPath(new URL('./nightly-process.ts', import.meta.url));

/**
 * One full nightly run in a process of its own (same Node flags, so the same TypeScript
 * loader): every run starts from the same cold process, so peak RSS and warm-up compare.
 */
async function nightly(
  url: string,
): Promise<{ ms: number; report: NightlyReport; peakRssMiB: number }> {
  const run = await runJsonChild<{ ms: number; report: NightlyReport; peakRssMiB: number }>(
    child,
    [url],
    'the nightly process',
  );
  const { report } = run;
  if (report.status !== 'completed' || report.failed > 0 || report.busy > 0)
    throw new Error(`nightly run: ${JSON.stringify(report)}`);
  return run;
}

/** Where the write-ahead log stands, and checkpoints so far (PostgreSQL 16's view of them). */
async function walAndCheckpoints(admin: pg.Pool) {
  const { rows } = await admin.query<{ wal: string; checkpoints: number }>(
    `select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as wal,
            (checkpoints_timed + checkpoints_req)::int as checkpoints
       from pg_stat_bgwriter`,
  );
  return { walBytes: Number(rows[0]?.wal ?? 0), checkpoints: rows[0]?.checkpoints ?? 0 };
}

/**
 * The nightly refresh's scaling curve: the full run at each size, on one database grown
 * between runs (more providers of 1,000 claims each), with the cache emptied before each run
 * so that every run computes every provider from scratch, as the first night would.
 */
export const nightlyScaling: Benchmark = {
  id: 'nightly-scaling',
  async run(ctx) {
    const sizes = SIZES[ctx.size];
    const until = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    const measurements: Measurement[] = [];
    const runs: Array<{ claims: number; ms: number; peakRssMiB: number }> = [];
    let providers = 0;
    let seedingMs = 0;
    for (const [step, claims] of sizes.entries()) {
      const wanted = claims / CLAIMS_PER_PROVIDER - providers;
      ctx.log(
        `  seeding ${wanted} providers x ${CLAIMS_PER_PROVIDER} claims (${fmt(claims)} in all)`,
      );
      const seeded = await timed(() =>
        seedSyntheticClaims(ctx.admin, {
          providers: wanted,
          claimsPerProvider: CLAIMS_PER_PROVIDER,
          until,
          seed: 500 + step * 10,
          connections: 2,
        }),
      );
      seedingMs += seeded.ms;
      providers += wanted;
      // Each run starts where a first night would: claims vacuumed, no cache, nothing pending
      // from the seeding in the write-ahead log.
      await ctx.admin.query('vacuum analyze claims');
      await ctx.admin.query('truncate analytics_cache, analytics_refresh_state');
      await ctx.admin.query('checkpoint').catch(() => undefined); // superuser only

      const before = await walAndCheckpoints(ctx.admin);
      const run = await nightly(ctx.url);
      const after = await walAndCheckpoints(ctx.admin);
      if (run.report.refreshed !== providers)
        throw new Error(`${run.report.refreshed} of ${providers} providers refreshed`);
      ctx.log(`  ${fmt(claims)} claims: ${Math.round(run.ms)} ms, ${fmt(run.report.rows)} rows`);
      runs.push({ claims, ms: run.ms, peakRssMiB: run.peakRssMiB });
      measurements.push({
        label: `${fmt(claims)} claims${step === 0 ? ' (baseline)' : ''}`,
        figures: {
          providers,
          'duration s': round(run.ms / 1000, 2),
          'cache rows written': run.report.rows,
          'rows/s': round(run.report.rows / (run.ms / 1000)),
          'µs per claim': round((run.ms * 1000) / claims, 1),
          'peak RSS MiB': run.peakRssMiB,
          'WAL MiB': round((after.walBytes - before.walBytes) / 2 ** 20),
          checkpoints: after.checkpoints - before.checkpoints,
        },
      });
    }

    type Run = (typeof runs)[number];
    const [smallest, half, largest] = [runs[0], runs.at(-2), runs.at(-1)] as [Run, Run, Run];
    const doubling = largest.ms / half.ms;
    const rssFactor = largest.peakRssMiB / smallest.peakRssMiB;
    const perClaim = (r: Run) => (r.ms * 1000) / r.claims;
    return {
      id: this.id,
      title: `Nightly refresh: the scaling curve, ${fmt(sizes[0])} to ${fmt(largest.claims)} claims`,
      description:
        `The full nightly run (runNightlyRefresh as the server runs it, 4 providers at a time) over ` +
        `providers of ${fmt(CLAIMS_PER_PROVIDER)} claims each spread over 24 months, at ` +
        `${sizes.map(fmt).join(', ')} claims. One database grows between runs; before each run ` +
        'the claims are vacuumed and the cache and refresh state are emptied, so every run computes ' +
        'every provider’s 24-month window from scratch, as on a first night. Each run is a Node ' +
        'process of its own, wired as the API is (pools of 8 and 2 connections); its peak RSS is ' +
        'sampled every 20 ms. WAL and checkpoints are the server’s during the run (PostgreSQL’s ' +
        'default max_wal_size and shared_buffers). The baseline is the smallest run: scaling is ' +
        'linear when the time per claim stays flat.',
      measurements,
      ratio: {
        label: `${fmt(largest.claims)}-claim run ÷ ${fmt(half.claims)}-claim run (linear: 2x)`,
        value: round(doubling, 2),
      },
      goals: [
        {
          goal: `close to linear: ${fmt(largest.claims)} claims take at most ${GOAL_DOUBLING}x the time of ${fmt(half.claims)}`,
          measured: `${round(doubling, 2)}x`,
          met: doubling <= GOAL_DOUBLING,
        },
        {
          goal: `memory flat: peak RSS at ${fmt(largest.claims)} claims within ${GOAL_RSS_FACTOR}x of that at ${fmt(smallest.claims)}`,
          measured: `${largest.peakRssMiB} MiB vs ${smallest.peakRssMiB} MiB (${round(rssFactor, 2)}x)`,
          met: rssFactor <= GOAL_RSS_FACTOR,
        },
      ],
      notes: [
        `Time per claim: ${round(perClaim(largest) / perClaim(smallest), 2)}x at ` +
          `${fmt(largest.claims)} claims that at ${fmt(smallest.claims)}.`,
        `Seeding took ${round(seedingMs / 1000, 1)} s in all (two connections, one statement per provider).`,
      ],
    };
  },
};
