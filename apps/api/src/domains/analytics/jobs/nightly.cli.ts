import { systemClock } from '@meritum/shared';
import pino from 'pino';
import { loadConfig } from '../../../config';
import { createAppPool, createDatabase, JOBS_ROLE } from '../../../db/client';
import { runMigrations } from '../../../db/migrate';
import { openDatabaseServer } from '../../../db/provision';
import { EventBus } from '../../../lib/events';
import { createAnalytics } from '../analytics.module';
import { runNightlyRefresh } from './nightly-refresh.job';

/** `pnpm --filter api job:nightly`: one nightly analytics refresh, now, then exit. */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });
  const server = await openDatabaseServer(
    { databaseUrl: config.DATABASE_URL, dataDir: config.PG_DATA_DIR },
    logger,
  );
  const pool = createAppPool(server.url, { applicationName: 'meritum-nightly' });
  const jobsPool = createAppPool(server.url, {
    role: JOBS_ROLE,
    max: 1,
    applicationName: 'meritum-nightly-jobs',
  });
  try {
    await runMigrations(server.url);
    const db = createDatabase(pool);
    const analytics = createAnalytics({ db, events: new EventBus(), clock: systemClock, logger });
    const report = await runNightlyRefresh({
      jobsDb: createDatabase(jobsPool),
      refresher: analytics.refresher,
      cache: analytics.cache,
      clock: systemClock,
      logger,
    });
    await analytics.close();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.status === 'completed' && report.failed > 0 ? 1 : 0;
  } finally {
    await pool.end();
    await jobsPool.end();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `nightly refresh failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
