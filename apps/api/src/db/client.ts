import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import pg from 'pg';

/** The Drizzle database or a transaction inside it: repositories accept either. */
export type Database = PgDatabase<NodePgQueryResultHKT>;

export const APP_ROLE = 'meritum_app';
/** The nightly job's role for its one cross-provider read (listing providers), and nothing else. */
export const JOBS_ROLE = 'meritum_jobs';

export interface PoolOptions {
  max?: number;
  /** Default meritum_app. */
  role?: typeof APP_ROLE | typeof JOBS_ROLE;
  applicationName?: string;
  /** Default STATEMENT_TIMEOUT_MS. */
  statementTimeoutMs?: number;
  /** Default IDLE_IN_TRANSACTION_TIMEOUT_MS. */
  idleInTransactionTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * How long a query waits for a connection, a free one or a new one, before it fails (a 503
 * DATABASE_UNAVAILABLE): a database that does not answer fails requests, it does not hang them.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How long one statement may run before PostgreSQL cancels it (a 503 DATABASE_TIMEOUT): a query
 * stuck behind a lock, or one far slower than any request should be, gives its connection back
 * instead of holding it, so one physician's request cannot starve the others.
 */
export const STATEMENT_TIMEOUT_MS = 15_000;
/**
 * How long a connection may sit in an open transaction doing nothing before PostgreSQL ends the
 * session: a transaction whose holder hangs would otherwise keep its locks and snapshot for good.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * The session settings the code reads its values by, pinned on every connection so that a
 * server's or database's own defaults (`ALTER DATABASE ... SET datestyle = 'SQL, DMY'`, say)
 * change no figure and no parse: dates and timestamps as ISO text, intervals in PostgreSQL's
 * style, instants rendered in UTC (every Edmonton date is computed with an explicit AT TIME
 * ZONE), floats written exactly.
 */
export const PINNED_SETTINGS =
  '-c datestyle=ISO,MDY -c intervalstyle=postgres -c timezone=UTC -c extra_float_digits=3';

/**
 * A pool whose every connection runs as meritum_app from its first statement: the role is a
 * startup parameter, so even `RESET ROLE` returns to it. An explicit `SET ROLE NONE` returns to
 * the login user, which is why the login holds no privileges of its own (src/db/login-role.ts,
 * docs/decisions.md). Both timeouts and PINNED_SETTINGS are startup parameters too, set for every
 * connection.
 */
export function createAppPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'meritum-api',
    options: `-c role=${options.role ?? APP_ROLE} ${PINNED_SETTINGS}`,
    statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout:
      options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', options.onError ?? (() => {}));
  releaseLostConnections(pool);
  return pool;
}

/**
 * pg-pool listens for connection errors on idle clients only. A connection lost while a client
 * is checked out (a database restart during a transaction) would throw an unhandled 'error'
 * event, which ends the process, and a client whose BEGIN failed is never released by Drizzle
 * 0.45 (drizzle-orm#6241): it would hold its slot in the pool for good. Such a client goes back
 * to the pool with the error, which discards it; its holder's own release becomes a no-op, and
 * its holder's next query fails as any query on a lost connection does.
 */
function releaseLostConnections(pool: pg.Pool): void {
  const checkedOut = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (!checkedOut.has(client)) return; // idle: the pool's own listener removes it
      const release = client.release;
      client.release = () => {};
      release(err);
    });
  });
}

export function createDatabase(pool: pg.Pool): Database {
  return drizzle({ client: pool });
}
