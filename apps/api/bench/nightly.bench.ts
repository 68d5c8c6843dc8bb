import { type BenchContext, type Benchmark, round, timed } from './harness';
import { measureNightly } from './measure-nightly';
import { seedSyntheticClaims } from './synthetic-claims';

const SIZES = {
  small: { providers: 100, claimsPerProvider: 1_000 },
  large: { providers: 1_000, claimsPerProvider: 1_000 },
} as const;

async function nightly(ctx: BenchContext) {
  const run = await measureNightly(ctx.db, ctx.jobsDb);
  if (run.report.status !== 'completed' || run.report.failed > 0)
    throw new Error(`nightly run: ${JSON.stringify(run.report)}`);
  return run;
}

/**
 * The nightly refresh over a synthetic province in miniature: every provider's 24-month window
 * computed from scratch, then again after 1% of providers changed a claim.
 */
export const nightlyRefresh: Benchmark = {
  id: 'nightly-refresh',
  async run(ctx) {
    const { providers, claimsPerProvider } = SIZES[ctx.size];
    const claims = providers * claimsPerProvider;
    const until = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    ctx.log(`  seeding ${providers} providers x ${claimsPerProvider} claims`);
    const seeded = await timed(() =>
      seedSyntheticClaims(ctx.admin, { providers, claimsPerProvider, until, seed: 42 }),
    );
    await ctx.admin.query('vacuum analyze claims');

    const full = await nightly(ctx);
    ctx.log(`  full run: ${Math.round(full.ms)} ms, ${full.report.rows} rows`);
    // 1% of providers change one claim each, through SQL, so the triggers record it.
    const changed = seeded.result.filter((_, i) => i % 100 === 0);
    for (const id of changed) {
      await ctx.admin.query(
        `begin; select set_config('app.provider_id', '${id}', true);
         update claims set fee_submitted = fee_submitted + 1
          where id = (select id from claims where provider_id = '${id}' and state = 'submitted' limit 1);
         commit;`,
      );
    }
    const incremental = await nightly(ctx);
    ctx.log(`  1% run: ${Math.round(incremental.ms)} ms`);

    const row = (label: string, run: typeof full) => ({
      label,
      figures: {
        'duration s': round(run.ms / 1000, 2),
        'providers refreshed': run.report.refreshed,
        'cache rows written': run.report.rows,
        'rows/s': round(run.report.rows / (run.ms / 1000)),
        'peak RSS MiB': run.peakRssMiB,
      },
    });
    const fullGoalS = 60;
    return {
      id: this.id,
      title: `Nightly refresh: ${providers.toLocaleString('en-CA')} providers, ${claims.toLocaleString('en-CA')} claims over 24 months`,
      description:
        'A first nightly run computes every provider’s 24-month window from its claims (4 providers at ' +
        'a time); then 1% of providers change one claim and the nightly runs again, skipping the ' +
        `others. Peak RSS is the API process's, sampled every 20 ms during the run. Seeding took ${round(seeded.ms / 1000, 1)} s.`,
      measurements: [
        row('full run (every provider)', full),
        row('after 1% of providers changed', incremental),
      ],
      ratio: {
        label: '1% run duration ÷ full run duration',
        value: round(incremental.ms / full.ms, 3),
      },
      goals:
        ctx.size === 'large'
          ? [
              {
                goal: `full run under ${fullGoalS} s`,
                measured: `${round(full.ms / 1000, 1)} s`,
                met: full.ms < fullGoalS * 1000,
              },
              {
                goal: 'peak RSS under 512 MB',
                measured: `${full.peakRssMiB} MiB`,
                met: full.peakRssMiB < 512,
              },
              {
                goal: '1% run under 5 s',
                measured: `${round(incremental.ms / 1000, 2)} s`,
                met: incremental.ms < 5000,
              },
            ]
          : [],
    };
  },
};
