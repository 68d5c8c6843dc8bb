import { edmontonDateString, systemClock } from '@meritum/shared';
import { retentionWindow } from '../src/domains/analytics/services/retention';
import { ownerQuery } from '../test/factories';
import { type Benchmark, median, percentile, quietAnalytics, round, timed } from './harness';
import { seedSyntheticClaims } from './synthetic-claims';

const SIZES = { small: { claims: 2_000, rounds: 20 }, large: { claims: 10_000, rounds: 60 } };
const WARM_UP_ROUNDS = 3;
const fmt = (n: number) => n.toLocaleString('en-CA');

/**
 * What keeping the dashboard's figures adds to a refresh: physicians of the same size with a
 * warm cache, one who read the dashboard lately (a refresh assembles and keeps the views the
 * page offers again) and one who did not (the baseline: the refresh alone). Refreshes with
 * nothing dirty, alternating between the two, one at a time in one process; then what a
 * sign-in starts behind its answer, with every view current and with none kept.
 */
export const refreshAssembly: Benchmark = {
  id: 'refresh-assembly',
  async run(ctx) {
    const { claims, rounds } = SIZES[ctx.size];
    const analytics = quietAnalytics(ctx.db);
    const [reader, other, signer] = (await seedSyntheticClaims(ctx.admin, {
      providers: 3,
      claimsPerProvider: claims,
      until: edmontonDateString(systemClock.now()),
      seed: 41,
    })) as [string, string, string];
    await ctx.admin.query('vacuum analyze claims');
    const keptSpans = async (p: string) =>
      (
        await ownerQuery(
          ctx.admin,
          p,
          'select count(*)::int as n from analytics_dashboard_figures where provider_id = $1',
          [p],
        )
      ).rows[0]?.n as number;
    try {
      for (const p of [reader, other, signer]) {
        await analytics.refresher.refreshProvider(p, { months: retentionWindow(systemClock) });
      }
      await analytics.dashboard.getDashboard(reader, { period: 'last_12_months' });
      await analytics.keptFigures.settled();
      const times = {
        other: [] as number[],
        reader: [] as number[],
        signIn: [] as number[],
        signInCurrent: [] as number[],
      };
      const signIn = (p: string) =>
        timed(async () => {
          analytics.keptFigures.signedIn(p);
          await analytics.keptFigures.settled();
        });
      const forget = (p: string) =>
        ownerQuery(ctx.admin, p, 'delete from analytics_dashboard_figures where provider_id = $1', [
          p,
        ]);
      for (let r = 0; r < WARM_UP_ROUNDS + rounds; r++) {
        const measuring = r >= WARM_UP_ROUNDS;
        const a = await timed(() => analytics.refresher.refreshProvider(other));
        const b = await timed(() => analytics.refresher.refreshProvider(reader));
        // The reader's views are all current after their refresh: the sign-in only checks.
        const c = await signIn(reader);
        await forget(signer);
        const d = await signIn(signer);
        if (measuring) {
          times.other.push(a.ms);
          times.reader.push(b.ms);
          times.signInCurrent.push(c.ms);
          times.signIn.push(d.ms);
        }
      }
      if ((await keptSpans(signer)) < 12) throw new Error('the sign-in kept too few views');
      const views = await keptSpans(reader);
      if (views < 12) throw new Error(`${views} views kept for the reader, not every one`);
      if ((await keptSpans(other)) !== 0)
        throw new Error('figures kept for a physician who read none');
      const figures = (ms: number[]) => ({
        runs: ms.length,
        'median ms': round(median(ms), 2),
        'p99 ms': round(percentile(ms, 99), 2),
        'max ms': round(Math.max(...ms), 2),
      });
      const ratio = median(times.reader) / median(times.other);
      return {
        id: this.id,
        title: `What keeping the dashboard's views adds to a refresh: ${fmt(claims)} claims`,
        description:
          `Physicians with ${fmt(claims)} claims over 24 months each and a warm cache: one read ` +
          'the last 12 months lately, so each refresh of theirs assembles every view the page offers ' +
          `(${views} this month: each period option but a custom one, for all claims and each claim ` +
          'type) from one read of the rows and keeps them in one statement; the other read nothing, ' +
          'so their refresh is the refresh alone (the baseline). Refreshes with no month dirty (the ' +
          'freshness bookkeeping, the outstanding figures as of today, and the assembling), ' +
          `alternating, one at a time in one process, ${rounds} rounds after ${WARM_UP_ROUNDS} of ` +
          'warm-up; then what a sign-in starts behind its answer, timed on its own: for the reader ' +
          'just refreshed (every view current, so it only checks), and for a third physician of ' +
          'the same size whose kept figures are forgotten first (untimed), so it assembles them all.',
        measurements: [
          {
            label: 'refresh, physician who read nothing (baseline)',
            figures: figures(times.other),
          },
          {
            label: `refresh, physician who read lately (assembles and keeps ${views} views)`,
            figures: figures(times.reader),
          },
          {
            label: 'behind a sign-in, nothing kept: assembling every view',
            figures: figures(times.signIn),
          },
          {
            label: 'behind a sign-in, every view current: the check alone',
            figures: figures(times.signInCurrent),
          },
        ],
        ratio: { label: 'reader refresh median ÷ refresh alone median', value: round(ratio, 2) },
        notes: [],
      };
    } finally {
      await analytics.close();
    }
  },
};
