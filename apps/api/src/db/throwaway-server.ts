import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded';
import { runMigrations } from './migrate';

/** A PostgreSQL server for a test or benchmark run, whose databases all go when it closes. */
export interface ThrowawayServer {
  /** Names every database this run creates: `<prefix>_<name>`. */
  prefix: string;
  /** Superuser (or DATABASE_URL user) connection string to the maintenance database. */
  serverUrl: string;
  urlOf: (database: string) => string;
  /** Creates `<prefix>_<name>`, migrated, and returns its URL. */
  createMigratedDatabase: (name: string) => Promise<string>;
  close: () => Promise<void>;
}

/** The server at `databaseUrl`, or an embedded PostgreSQL 16 in a throw-away data directory. */
export async function openThrowawayServer(options: {
  databaseUrl?: string | undefined;
  label: string;
  /** Trade durability for speed (tests); benchmarks keep PostgreSQL's defaults. */
  fast: boolean;
}): Promise<ThrowawayServer> {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  let embedded: RunningPostgres | undefined;
  let serverUrl = options.databaseUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(tmpdir(), `meritum-${options.label}-pg-${runId}`),
      persistent: false,
      fast: options.fast,
    });
    serverUrl = embedded.url('postgres');
  }
  const prefix = `meritum_${options.label}_${runId}`;
  const maintenanceUrl = serverUrl;
  const urlOf = (database: string) => databaseUrl(maintenanceUrl, database);

  return {
    prefix,
    serverUrl,
    urlOf,
    async createMigratedDatabase(name) {
      const database = `${prefix}_${name}`;
      await maintenanceQuery(maintenanceUrl, `create database "${database}"`);
      await runMigrations(urlOf(database));
      return urlOf(database);
    },
    async close() {
      const { rows } = await maintenanceQuery(
        maintenanceUrl,
        `select datname from pg_database where starts_with(datname, '${prefix}')`,
      );
      for (const { datname } of rows) {
        await maintenanceQuery(maintenanceUrl, `drop database if exists "${datname}" with (force)`);
      }
      await embedded?.stop();
    },
  };
}

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function maintenanceQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
