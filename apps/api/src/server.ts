import { systemClock } from '@meritum/shared';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { loadConfig } from './config';
import { createAppPool, createDatabase, JOBS_ROLE } from './db/client';
import { runMigrations } from './db/migrate';
import { openDatabaseServer } from './db/provision';
import { createAnalytics } from './domains/analytics/analytics.module';
import { runNightlyRefresh } from './domains/analytics/jobs/nightly-refresh.job';
import { scheduleNightly } from './domains/analytics/jobs/nightly-schedule';
import { EventBus } from './lib/events';

/** The process: configuration, database, migrations, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });

  const database = await openDatabaseServer(
    { databaseUrl: config.DATABASE_URL, dataDir: config.PG_DATA_DIR },
    logger,
  );
  const pool = createAppPool(database.url, {
    onError: (err) => logger.warn({ err }, 'idle database connection lost'),
  });
  const db = createDatabase(pool);
  const jobsPool = createAppPool(database.url, {
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-jobs',
    onError: (err) => logger.warn({ err }, 'idle database connection lost'),
  });
  // The claims domain (with the API) emits on this bus; the analytics hook listens on it.
  const events = new EventBus();
  const analytics = createAnalytics({ db, events, clock: systemClock, logger });
  const nightly = scheduleNightly(
    () =>
      runNightlyRefresh({
        jobsDb: createDatabase(jobsPool),
        refresher: analytics.refresher,
        cache: analytics.cache,
        clock: systemClock,
        logger,
      }),
    logger,
    config.NIGHTLY_CRON,
  );
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await nightly.stop();
    await analytics.close();
    await pool.end();
    await jobsPool.end();
    await database.close();
  });

  await runMigrations(database.url);
  const where = database.embedded
    ? `embedded PostgreSQL 16 at ${redact(database.url)}`
    : 'DATABASE_URL';
  logger.info(
    { database: redact(database.url), nextNightlyRefresh: nightly.nextRun()?.toISOString() },
    'database migrated and ready',
  );
  process.stdout.write(`\nMeritum: database ready (${where}). Press Ctrl+C to stop.\n\n`);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Meritum failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
