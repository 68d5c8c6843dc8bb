import { systemClock } from '@meritum/shared';
import pino from 'pino';
import { createAppPool, createDatabase, JOBS_ROLE } from '../src/db/client';
import { createAnalytics } from '../src/domains/analytics/analytics.module';
import { runNightlyRefresh } from '../src/domains/analytics/jobs/nightly-refresh.job';
import { EventBus } from '../src/lib/events';
import { timed, withPeakRss } from './harness';

/**
 * One nightly run in a process of its own (started by nightly-scaling.bench.ts), wired as the
 * benchmark environment wires the API (pools of 8 and 2 connections): prints `{ ms, report,
 * peakRssMiB }` as JSON on stdout, and nothing else there.
 */
async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: nightly-process <database url>');
  const pool = createAppPool(url, { max: 8, applicationName: 'meritum-bench-nightly' });
  const jobsPool = createAppPool(url, {
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-bench-nightly-jobs',
  });
  const logger = pino({ level: 'silent' });
  try {
    const analytics = createAnalytics({
      db: createDatabase(pool),
      events: new EventBus(),
      clock: systemClock,
      logger,
    });
    const run = await withPeakRss(() =>
      timed(() =>
        runNightlyRefresh({
          jobsDb: createDatabase(jobsPool),
          refresher: analytics.refresher,
          cache: analytics.cache,
          clock: systemClock,
          logger,
        }),
      ),
    );
    await analytics.close();
    process.stdout.write(
      JSON.stringify({ ms: run.result.ms, report: run.result.result, peakRssMiB: run.peakRssMiB }),
    );
  } finally {
    await pool.end();
    await jobsPool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
