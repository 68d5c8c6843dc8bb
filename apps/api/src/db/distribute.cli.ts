import { loadConfig } from '../config';
import { createLogger } from '../lib/logger';
import { distribute } from './distribute';
import { runMigrations } from './migrate';

/**
 * `pnpm --filter api db:distribute`: migrates the database at MIGRATION_DATABASE_URL (else
 * DATABASE_URL), a Citus coordinator's, as its owner, then distributes it (src/db/distribute.ts).
 * The citus extension and the workers are the operator's to set up first (docs/scaling.md).
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL, { format: config.LOG_FORMAT });
  const ownerUrl = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;
  if (!ownerUrl) {
    logger.error(
      'db:distribute needs the Citus coordinator: set MIGRATION_DATABASE_URL or DATABASE_URL',
    );
    return 2;
  }
  await runMigrations(ownerUrl);
  const report = await distribute(ownerUrl);
  logger.info(report, 'database distributed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
