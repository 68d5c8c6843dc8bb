import { systemClock } from '@meritum/shared';
import { loadConfig } from '../../../config';
import { createAppPool, createDatabase, JOBS_ROLE } from '../../../db/client';
import { checkLoginCannotBypassRls } from '../../../db/login-safety';
import { openDatabaseServer } from '../../../db/provision';
import { EventBus } from '../../../lib/events';
import { createLogger } from '../../../lib/logger';
import { createAnalytics } from '../analytics.module';
import { runNightlyRefresh } from './nightly-refresh.job';

/** `pnpm --filter api job:nightly`: one nightly analytics refresh, now, then exit. */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL, { format: config.LOG_FORMAT });
  const server = await openDatabaseServer(
    {
      databaseUrl: config.DATABASE_URL,
      migrationDatabaseUrl: config.MIGRATION_DATABASE_URL,
      dataDir: config.PG_DATA_DIR,
    },
    logger,
  );
  const timeouts = {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
  const pool = createAppPool(server.url, { ...timeouts, applicationName: 'meritum-nightly' });
  const jobsPool = createAppPool(server.url, {
    ...timeouts,
    role: JOBS_ROLE,
    max: 1,
    applicationName: 'meritum-nightly-jobs',
  });
  try {
    await server.migrate();
    await checkLoginCannotBypassRls(pool, { production: config.NODE_ENV === 'production', logger });
    const db = createDatabase(pool);
    const analytics = createAnalytics({ db, events: new EventBus(), clock: systemClock, logger });
    const report = await runNightlyRefresh({
      jobsDb: createDatabase(jobsPool),
      refresher: analytics.refresher,
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
