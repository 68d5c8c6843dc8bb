import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from './embedded';
import { isReachableByOthers } from './embedded-postgres-loader';

export interface DatabaseServer {
  /** Owner connection string for migrations; the app pool adds its role on top. */
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
}

const DATABASE_NAME = 'meritum';
const CHECKOUT_DATA_DIR = fileURLToPath(new URL('../../../../.data/postgres', import.meta.url));

/** The server at DATABASE_URL, or an embedded PostgreSQL 16 keeping its data between runs. */
export async function openDatabaseServer(
  settings: { databaseUrl?: string | undefined; dataDir?: string | undefined },
  logger: Logger,
): Promise<DatabaseServer> {
  if (settings.databaseUrl) {
    return { url: settings.databaseUrl, embedded: false, close: async () => {} };
  }
  const dataDir = settings.dataDir ?? (await defaultDataDir(logger));
  logger.info({ dataDir }, 'starting embedded PostgreSQL 16');
  const server = await startEmbeddedPostgres({
    dataDir,
    persistent: true,
    onLog: (message) => logger.trace({ postgres: message.trim() }),
  });
  try {
    await ensureDatabase(server.url('postgres'), DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url(DATABASE_NAME), embedded: true, close: server.stop };
}

/**
 * `.data/postgres` in the checkout. As root, PostgreSQL runs as the `postgres` user, who cannot
 * reach a checkout under a private folder such as /root: use a stable folder per checkout under
 * /var/lib/meritum instead (root-owned, unlike /tmp, where another user could plant a folder).
 */
async function defaultDataDir(logger: Logger): Promise<string> {
  if (userInfo().uid !== 0 || (await isReachableByOthers(CHECKOUT_DATA_DIR))) {
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
