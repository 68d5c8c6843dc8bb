import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from './embedded';
import { isReachableByOthers } from './embedded-postgres-loader';
import { API_LOGIN, ensureLoginRole, loginUrl } from './login-role';
import { runMigrations } from './migrate';

export interface DatabaseServer {
  /** The API's login: its pools connect with it and take meritum_app (or meritum_jobs) on top. */
  url: string;
  /** The owner's, for migrations only. */
  migrationUrl: string;
  embedded: boolean;
  /**
   * Applies pending migrations as the owner; on the embedded server, then makes sure the API's
   * login role exists (it is granted the roles the migrations create).
   */
  migrate: () => Promise<void>;
  close: () => Promise<void>;
}

const DATABASE_NAME = 'meritum';
const CHECKOUT_DATA_DIR = fileURLToPath(new URL('../../../../.data/postgres', import.meta.url));

/**
 * The server at DATABASE_URL (migrated through MIGRATION_DATABASE_URL when set), or an embedded
 * PostgreSQL 16 keeping its data between runs, migrated as its superuser, which the API reaches
 * through a login role of its own.
 */
export async function openDatabaseServer(
  settings: {
    databaseUrl?: string | undefined;
    migrationDatabaseUrl?: string | undefined;
    dataDir?: string | undefined;
  },
  logger: Logger,
): Promise<DatabaseServer> {
  if (settings.databaseUrl) {
    const migrationUrl = settings.migrationDatabaseUrl ?? settings.databaseUrl;
    return {
      url: settings.databaseUrl,
      migrationUrl,
      embedded: false,
      migrate: () => runMigrations(migrationUrl),
      close: async () => {},
    };
  }
  const dataDir = settings.dataDir ?? (await defaultDataDir(logger));
  logger.info({ dataDir }, 'starting embedded PostgreSQL 16');
  const server = await startEmbeddedPostgres({
    dataDir,
    persistent: true,
    onLog: (message) => logger.trace({ postgres: message.trim() }),
  });
  if (server.replacedFixedPassword) {
    logger.warn(
      { credentialsFile: server.credentialsFile },
      'the embedded PostgreSQL had the fixed password postgres; it now has its own, kept in this file',
    );
  }
  try {
    await ensureDatabase(server.url('postgres'), DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const migrationUrl = server.url(DATABASE_NAME);
  const login = { name: API_LOGIN, password: server.apiPassword };
  return {
    url: loginUrl(migrationUrl, login),
    migrationUrl,
    embedded: true,
    migrate: async () => {
      await runMigrations(migrationUrl);
      await ensureLoginRole(migrationUrl, login);
    },
    close: server.stop,
  };
}

/**
 * `.data/postgres` in the checkout. As root, PostgreSQL runs as the `postgres` user, who cannot
 * reach a checkout under a private folder such as /root: use a stable folder per checkout under
 * /var/lib/meritum instead (root-owned, unlike /tmp, where another user could plant a folder).
 * The folders above the data directory are what must be reachable: the data directory itself is
 * that user's, mode 0700, once initialised.
 */
async function defaultDataDir(logger: Logger): Promise<string> {
  if (userInfo().uid !== 0 || (await isReachableByOthers(dirname(CHECKOUT_DATA_DIR)))) {
    return CHECKOUT_DATA_DIR;
  }
  const checkout = createHash('sha256').update(CHECKOUT_DATA_DIR).digest('hex').slice(0, 12);
  const fallback = join('/var/lib/meritum', checkout, 'postgres');
  logger.warn(
    { checkoutDataDir: CHECKOUT_DATA_DIR, dataDir: fallback },
    'the checkout is not reachable by the postgres user; keeping the database elsewhere',
  );
  return fallback;
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}
