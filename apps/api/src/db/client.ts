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
  onError?: (error: Error) => void;
}

/**
 * A pool whose every connection runs as meritum_app from its first statement: the role is a
 * startup parameter, so even `RESET ROLE` returns to it. An explicit `SET ROLE` to the login
 * user would leave it: see docs/decisions.md for why production logs in as a lesser role.
 */
export function createAppPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'meritum-api',
    options: `-c role=${options.role ?? APP_ROLE}`,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', options.onError ?? (() => {}));
  return pool;
}

export function createDatabase(pool: pg.Pool): Database {
  return drizzle({ client: pool });
}
