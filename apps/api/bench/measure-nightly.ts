import { systemClock } from '@meritum/shared';
import pino from 'pino';
import type { Database } from '../src/db/client';
import { createAnalytics } from '../src/domains/analytics/analytics.module';
import {
  type NightlyReport,
  runNightlyRefresh,
} from '../src/domains/analytics/jobs/nightly-refresh.job';
import { EventBus } from '../src/lib/events';
import { timed, withPeakRss } from './harness';

/** One nightly run as the server wires it: its duration, its report and the process's peak RSS. */
export async function measureNightly(db: Database, jobsDb: Database) {
  const logger = pino({ level: 'silent' });
  const analytics = createAnalytics({ db, events: new EventBus(), clock: systemClock, logger });
  const run = await withPeakRss(() =>
    timed(() =>
      runNightlyRefresh({
        jobsDb,
        refresher: analytics.refresher,
        clock: systemClock,
        logger,
      }),
    ),
  );
  await analytics.close();
  return {
    ms: run.result.ms,
    report: run.result.result as NightlyReport,
    peakRssMiB: run.peakRssMiB,
  };
}
