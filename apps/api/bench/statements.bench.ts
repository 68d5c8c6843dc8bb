import { randomUUID } from 'node:crypto';
import { edmontonDateString, systemClock } from '@meritum/shared';
import { retentionWindow } from '../src/domains/analytics/services/retention';
import { ClaimsRepo } from '../src/domains/claims/repos/claims.repo';
import { createClaimsService } from '../src/domains/claims/services/claims.service';
import { EventBus } from '../src/lib/events';
import {
  type Benchmark,
  type Measurement,
  median,
  percentile,
  quietAnalytics,
  round,
  timed,
  withPeakRss,
} from './harness';
import { seedSyntheticClaims } from './synthetic-claims';

const SIZES = {
  small: { claims: 10_000, rounds: 20 },
  large: { claims: 50_000, rounds: 40 },
} as const;
const WARM_UP_ROUNDS = 3;
const PERIOD = { period: 'last_12_months' as const };
/** A stored statement should answer about as fast as the dashboard it freezes. */
const HIT_GOAL = 2;
const CREATE_GOAL_MS = 1_000;

const fmt = (n: number) => n.toLocaleString('en-CA');

/**
 * Statements for a physician with 50,000 claims, each operation beside the dashboard read it
 * freezes, in the same process and rounds: creating (re-running) the last 12 months' statement,
 * re-running it after a claim change no refresh has seen yet, reading the stored one (a hit),
 * and exporting it as CSV and PDF (each after a recomputation from the claims).
 */
export const statements: Benchmark = {
  id: 'statements',
  async run(ctx) {
    const { claims, rounds } = SIZES[ctx.size];
    const clock = systemClock;
    const analytics = quietAnalytics(ctx.db);
    // Claim changes the hook never hears of: the statement's own refresh has to catch them.
    const unhooked = createClaimsService({
      db: ctx.db,
      claims: (tx) => new ClaimsRepo(tx),
      events: new EventBus(),
      clock,
    });
    const today = edmontonDateString(clock.now());
    const [providerId] = await seedSyntheticClaims(ctx.admin, {
      providers: 1,
      claimsPerProvider: claims,
      until: today,
      seed: 41,
    });
    const p = providerId as string;
    const user = randomUUID();
    await ctx.admin.query('vacuum analyze claims');
    await analytics.refresher.refreshProvider(p, { months: retentionWindow(clock) });

    const samples = {
      dashboard: [] as number[],
      create: [] as number[],
      rerun: [] as number[],
      hit: [] as number[],
      csv: [] as number[],
      pdf: [] as number[],
    };
    let bytes = { csv: 0, pdf: 0 };
    const dashboard = () => analytics.dashboard.getDashboard(p, PERIOD);
    try {
      const { peakRssMiB } = await withPeakRss(async () => {
        for (let r = 0; r < WARM_UP_ROUNDS + rounds; r++) {
          const keep = r >= WARM_UP_ROUNDS;
          const record = async <T>(into: number[], work: () => Promise<T>) => {
            const { ms, result } = await timed(work);
            if (keep) into.push(ms);
            return result;
          };
          const read = await record(samples.dashboard, dashboard);
          if (read.freshness.state !== 'fresh')
            throw new Error(`dashboard ${read.freshness.state}`);
          await record(samples.create, () => analytics.statements.create(p, PERIOD));
          const hit = await record(samples.hit, () => analytics.statements.getByPeriod(p, PERIOD));
          if (hit.state !== 'current') throw new Error(`statement ${hit.state}`);
          const csv = await record(samples.csv, () =>
            analytics.statementExports.exportStatement(p, user, hit.id, 'csv'),
          );
          const pdf = await record(samples.pdf, () =>
            analytics.statementExports.exportStatement(p, user, hit.id, 'pdf'),
          );
          bytes = { csv: csv.bytes.length, pdf: pdf.bytes.length };
          const { id } = await unhooked.create(p, {
            claimType: 'AHCIP',
            healthServiceCode: '03.03A',
            dateOfService: today,
            feeSubmitted: '41.72',
          });
          await unhooked.transition(p, id, { to: 'submitted' });
          const rerun = await record(samples.rerun, () => analytics.statements.create(p, PERIOD));
          if (rerun.state !== 'current') throw new Error(`re-run ${rerun.state}`);
        }
      });
      const stored = await analytics.statements.getByPeriod(p, PERIOD);
      return report(samples, { claims, rounds, peakRssMiB, bytes, period: stored });
    } finally {
      await analytics.close();
    }
  },
};

function report(
  samples: Record<'dashboard' | 'create' | 'rerun' | 'hit' | 'csv' | 'pdf', number[]>,
  run: {
    claims: number;
    rounds: number;
    peakRssMiB: number;
    bytes: { csv: number; pdf: number };
    period: { figures: { metrics: { claimsCount: number } } };
  },
) {
  const base = median(samples.dashboard);
  const row = (label: string, ms: number[], baseline = false): Measurement => ({
    label,
    figures: {
      runs: ms.length,
      'median ms': round(median(ms), 2),
      'p99 ms': round(percentile(ms, 99), 2),
      'max ms': round(Math.max(...ms), 2),
      '÷ dashboard (median)': baseline ? '' : `${round(median(ms) / base, 2)}x`,
    },
  });
  const hitRatio = median(samples.hit) / base;
  const create = median(samples.create);
  return {
    id: 'statements',
    title: `Statements for a physician with ${fmt(run.claims)} claims, beside the dashboard read`,
    description:
      `One physician with ${fmt(run.claims)} claims over 24 months and a warm cache; the ` +
      `last_12_months period (${fmt(run.period.figures.metrics.claimsCount)} claims in it), one ` +
      `operation at a time in one process, ${run.rounds} rounds after ${WARM_UP_ROUNDS} of ` +
      'warm-up, each round: the dashboard read (the baseline), creating the statement (a re-run ' +
      'on a fresh cache: refresh of nothing dirty, cache rows and a claim count read in one ' +
      'snapshot, hash, upsert, state), reading the stored statement (a hit: the row and its ' +
      'state, no calculation), exporting it as CSV and as PDF (each recomputes the period from ' +
      'the claims in a REPEATABLE READ snapshot, compares, renders and records), then one claim ' +
      'billed and submitted without telling the hook, and the statement re-run (its refresh of ' +
      'the dirty month included).',
    measurements: [
      row('dashboard read, last 12 months (baseline)', samples.dashboard, true),
      row('create (re-run) the statement, cache fresh', samples.create),
      row('re-run after a claim change no refresh has seen', samples.rerun),
      row('read the stored statement (a hit)', samples.hit),
      row(`export CSV (${fmt(run.bytes.csv)} bytes)`, samples.csv),
      row(`export PDF (${fmt(run.bytes.pdf)} bytes)`, samples.pdf),
    ],
    ratio: {
      label: 'stored statement (hit) median ÷ dashboard read median',
      value: round(hitRatio, 2),
    },
    goals: [
      {
        goal: `a hit within ${HIT_GOAL}x of the dashboard read`,
        measured: `${round(hitRatio, 2)}x`,
        met: hitRatio <= HIT_GOAL,
      },
      {
        goal: `creating a statement under ${fmt(CREATE_GOAL_MS)} ms (median)`,
        measured: `${round(create, 1)} ms`,
        met: create < CREATE_GOAL_MS,
      },
    ],
    notes: [
      `Peak RSS of the process over the whole run: ${run.peakRssMiB} MiB.`,
      'A hit reads the stored row and, in one statement, the period’s claim count and changed ' +
        'months (its state); the dashboard reads its cache rows and freshness and sums them.',
    ],
  };
}
