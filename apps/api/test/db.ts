import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  createAppPool,
  createDatabase,
  type Database,
  JOBS_ROLE,
  PINNED_SETTINGS,
} from '../src/db/client';
import { createDistributedDatabase } from './citus';
import { databaseUrl } from './throwaway-server';

export interface TestDatabase {
  /**
   * The worker's database, logging in as the run's application login (holding meritum_app and
   * meritum_jobs, nothing else): what the application's pools (createAppPool) connect with.
   */
  url: string;
  /** The same database as its owner (a superuser unless DATABASE_URL says otherwise). */
  ownerUrl: string;
  /** The application's view: every connection runs as meritum_app, under row-level security. */
  pool: pg.Pool;
  db: Database;
  /** The owner's view, for arranging and inspecting data behind the application's back. */
  admin: pg.Pool;
  /** As meritum_jobs: the nightly job's listing of providers. */
  jobsDb: Database;
}

// A constant shared by every worker: it serialises CREATE DATABASE ... TEMPLATE, which fails
// while another session is copying the same template.
const CLONE_LOCK_KEY = 727_002;

/**
 * Database defaults a server may legitimately have, set on every test database when
 * TEST_SERVER_SETTINGS=unusual (.ci/run's PostgreSQL 15 pass): the API's connections pin what
 * they depend on (PINNED_SETTINGS), so figures and parses stay as they are.
 */
const UNUSUAL_SETTINGS = {
  datestyle: 'SQL, DMY',
  intervalstyle: 'iso_8601',
  timezone: 'Asia/Kathmandu',
  extra_float_digits: '0',
};

/** This worker's database (or a file's own), cloned from the migrated template on first use. */
async function workerDatabaseName(own?: string): Promise<string> {
  const { serverUrl, templateName, prefix, citus } = inject('testDatabase');
  const name = `${prefix}_w${process.env.VITEST_POOL_ID ?? '1'}${own ? `_${own}` : ''}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [CLONE_LOCK_KEY]);
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0 && citus) {
      // A Citus database cannot be cloned from a template: each is made on the cluster.
      await createDistributedDatabase(serverUrl, name);
    } else if (exists.rowCount === 0) {
      await client.query(`create database "${name}" template "${templateName}"`);
      // A server set up otherwise than PostgreSQL's defaults: what the API reads must not move.
      if (process.env.TEST_SERVER_SETTINGS === 'unusual') {
        for (const [setting, value] of Object.entries(UNUSUAL_SETTINGS)) {
          await client.query(`alter database "${name}" set ${setting} = '${value}'`);
        }
      }
    }
    await client.query('select pg_advisory_unlock($1)', [CLONE_LOCK_KEY]);
  } finally {
    await client.end();
  }
  return name;
}

/**
 * Opens this worker's database for a test file and closes it afterwards. Tests need no
 * cleaning between them: each creates its own providers, and everything is provider-scoped.
 * A file whose subject spans providers (the nightly job) asks for a database of its `own`.
 */
export function useTestDatabase(options: { own?: string } = {}): TestDatabase {
  const handle = {} as TestDatabase;
  let jobsPool: pg.Pool | undefined;
  beforeAll(async () => {
    const name = await workerDatabaseName(options.own);
    const { serverUrl, loginUrl } = inject('testDatabase');
    handle.url = databaseUrl(loginUrl, name);
    handle.ownerUrl = databaseUrl(serverUrl, name);
    handle.pool = createAppPool(handle.url, { max: 10, applicationName: 'meritum-test' });
    handle.db = createDatabase(handle.pool);
    // The owner's view reads text in the same styles as the application's.
    handle.admin = new pg.Pool({
      connectionString: handle.ownerUrl,
      max: 4,
      options: PINNED_SETTINGS,
    });
    jobsPool = createAppPool(handle.url, {
      role: JOBS_ROLE,
      max: 2,
      applicationName: 'meritum-test-jobs',
    });
    handle.jobsDb = createDatabase(jobsPool);
  });
  afterAll(async () => {
    await handle.pool?.end();
    await handle.admin?.end();
    await jobsPool?.end();
  });
  return handle;
}
