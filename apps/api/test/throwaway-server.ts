import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded';
import { ensureLoginRole, type Login, loginUrl } from '../src/db/login-role';
import { runMigrations } from '../src/db/migrate';
import { randomPassword } from '../src/db/passwords';

/**
 * A PostgreSQL server for a test or benchmark run, whose databases and login role all go when it
 * closes.
 */
export interface ThrowawayServer {
  /** Names every database this run creates, `<prefix>_<name>`, and its login, `<prefix>_api`. */
  prefix: string;
  /** Superuser (or DATABASE_URL user) connection string to the maintenance database. */
  serverUrl: string;
  /** The owner's connection string to `database`. */
  urlOf: (database: string) => string;
  /**
   * The run's application login to `database`, made as the API's is (ensureLoginRole): the
   * application's pools connect with it, never as the owner. Roles are shared by every database
   * of a server, hence a name of the run's own.
   */
  loginUrlOf: (database: string) => string;
  /** Creates `<prefix>_<name>`, migrated, makes sure the run's login exists, and returns the owner's URL. */
  createMigratedDatabase: (name: string) => Promise<string>;
  close: () => Promise<void>;
}

export interface DatabaseKind {
  /** Creates `name` on the server at `serverUrl`, with every migration applied. */
  createMigrated: (serverUrl: string, name: string) => Promise<void>;
  drop: (serverUrl: string, name: string) => Promise<void>;
}

const PLAIN_DATABASES: DatabaseKind = {
  async createMigrated(serverUrl, name) {
    await onDatabase(serverUrl, (client) => client.query(`create database "${name}"`));
    await runMigrations(databaseUrl(serverUrl, name));
  },
  async drop(serverUrl, name) {
    await onDatabase(serverUrl, (client) =>
      client.query(`drop database if exists "${name}" with (force)`),
    );
  },
};

/** The server at `databaseUrl`, or an embedded PostgreSQL 16 in a throw-away data directory. */
export async function openThrowawayServer(options: {
  databaseUrl?: string | undefined;
  label: string;
  /** Trade durability for speed (tests); benchmarks keep PostgreSQL's defaults. */
  fast: boolean;
  /** How a database is made and dropped: plainly, or on every node of a Citus cluster. */
  databases?: DatabaseKind;
}): Promise<ThrowawayServer> {
  const kind = options.databases ?? PLAIN_DATABASES;
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
  const login: Login = {
    name: `${prefix}_api`,
    password: embedded?.apiPassword ?? randomPassword(),
  };

  return {
    prefix,
    serverUrl,
    urlOf,
    loginUrlOf: (database) => loginUrl(urlOf(database), login),
    async createMigratedDatabase(name) {
      const database = `${prefix}_${name}`;
      await kind.createMigrated(maintenanceUrl, database);
      await ensureLoginRole(urlOf(database), login);
      return urlOf(database);
    },
    async close() {
      try {
        const { rows } = await onDatabase(maintenanceUrl, (client) =>
          client.query(`select datname from pg_database where starts_with(datname, '${prefix}')`),
        );
        for (const { datname } of rows) await kind.drop(maintenanceUrl, datname);
        await dropLoginRole(maintenanceUrl, login.name);
      } finally {
        // Whatever failed above, a throw-away embedded server and its folder go.
        await embedded?.stop();
      }
    },
  };
}

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function onDatabase<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'meritum-provision' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops a login made by ensureLoginRole (a test or benchmark run's own). */
export async function dropLoginRole(ownerUrl: string, name: string): Promise<void> {
  await onDatabase(ownerUrl, (client) =>
    client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(name)}`),
  );
}
