import { systemClock } from '@meritum/shared';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { buildApp } from './app';
import { type Config, loadConfig } from './config';
import { createAppPool, createDatabase, JOBS_ROLE } from './db/client';
import { checkLoginCannotBypassRls } from './db/login-safety';
import { type DatabaseServer, openDatabaseServer } from './db/provision';
import { DEMO_PHYSICIANS, seedDemoData } from './demo/demo-data';
import { runNightlyRefresh } from './domains/analytics/jobs/nightly-refresh.job';
import { scheduleNightly } from './domains/analytics/jobs/nightly-schedule';
import { createLogger } from './lib/logger';
import { createServices } from './services';

/**
 * The process: configuration, database (embedded or DATABASE_URL), migrations, demo data, the
 * API and the nightly refresh; a graceful shutdown undoes them in reverse.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL, { format: config.LOG_FORMAT });

  const database = await openDatabaseServer(
    {
      databaseUrl: config.DATABASE_URL,
      migrationDatabaseUrl: config.MIGRATION_DATABASE_URL,
      dataDir: config.PG_DATA_DIR,
    },
    logger,
  );
  try {
    await serve(config, logger, database);
  } catch (error) {
    // A port in use, a failed migration: leave no embedded PostgreSQL running behind.
    await database.close().catch(() => {});
    throw error;
  }
}

async function serve(config: Config, logger: Logger, database: DatabaseServer): Promise<void> {
  const clock = systemClock;
  const onIdleError = (err: Error) => logger.warn({ err }, 'idle database connection lost');
  const timeouts = {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
  const pool = createAppPool(database.url, { ...timeouts, onError: onIdleError });
  const jobsPool = createAppPool(database.url, {
    ...timeouts,
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-jobs',
    onError: onIdleError,
  });
  const db = createDatabase(pool);
  const jobsDb = createDatabase(jobsPool);
  const services = createServices({
    db,
    pool,
    clock,
    logger,
    statementMaxAgeHours: config.STATEMENT_MAX_AGE_HOURS,
    sessions: { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS },
  });
  const app = await buildApp({
    db,
    services,
    options: {
      logger,
      secureCookies: config.NODE_ENV === 'production',
      trustProxy: config.TRUST_PROXY === 'off' ? false : config.TRUST_PROXY,
      trustedHops: config.TRUST_PROXY_HOPS,
    },
  });
  const nightly = scheduleNightly(
    () =>
      runNightlyRefresh({
        jobsDb,
        refresher: services.analytics.refresher,
        clock,
        logger,
      }),
    logger,
    config.NIGHTLY_CRON,
  );

  // Stops taking requests first, then the work behind them, then the database.
  app.addHook('onClose', async () => {
    await nightly.stop();
    await services.close();
    await pool.end();
    await jobsPool.end();
  });
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
  });

  await database.migrate();
  await checkLoginCannotBypassRls(pool, { production: config.NODE_ENV === 'production', logger });
  const seeded =
    config.DEMO_DATA === 'on' &&
    (await seedDemoData({ db, jobsDb, refresher: services.analytics.refresher, clock, logger }));
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    { address, nextNightlyRefresh: nightly.nextRun()?.toISOString() },
    'Meritum API listening',
  );
  process.stdout.write(banner(address, database.embedded, seeded, config.DEMO_DATA === 'on'));
}

function banner(address: string, embedded: boolean, seeded: boolean, demo: boolean): string {
  const lines = [
    '',
    `Meritum API:  ${address}`,
    `API docs:     ${address}/docs`,
    `Database:     ${embedded ? 'embedded PostgreSQL 16' : 'DATABASE_URL'}`,
  ];
  if (demo) {
    lines.push(seeded ? 'Demo data:    seeded just now' : 'Demo data:    (seeded earlier)');
    for (const p of DEMO_PHYSICIANS) {
      lines.push(`  ${p.name.padEnd(17)} ${p.email}  password: ${p.password}`);
    }
  }
  lines.push('Press Ctrl+C to stop.', '', '');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Meritum failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
