import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import { createAppPool, createDatabase, JOBS_ROLE } from '../src/db/client';
import { openThrowawayServer } from '../test/throwaway-server';
import type { BenchContext, BenchSize } from './harness';

export interface BenchEnvironment {
  ctx: BenchContext;
  machine: Record<string, string | number>;
  close: () => Promise<void>;
}

/**
 * A fresh, migrated database for one run: on the embedded PostgreSQL 16 with its default
 * (durable) settings, or on the server at DATABASE_URL.
 */
export async function openBenchEnvironment(
  size: BenchSize,
  databaseUrl: string | undefined,
  log: (message: string) => void,
): Promise<BenchEnvironment> {
  const server = await openThrowawayServer({ databaseUrl, label: 'bench', fast: false });
  const ownerUrl = await server.createMigratedDatabase('run');
  // The application's pools log in as the run's least-privilege role, as the API does.
  const url = server.loginUrlOf(`${server.prefix}_run`);
  const pool = createAppPool(url, { max: 8, applicationName: 'meritum-bench' });
  const admin = new pg.Pool({ connectionString: ownerUrl, max: 4 });
  const jobsPool = createAppPool(url, {
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-bench-jobs',
  });
  const { rows } = await admin.query<{ server_version: string }>('show server_version');

  return {
    ctx: {
      size,
      db: createDatabase(pool),
      pool,
      admin,
      jobsDb: createDatabase(jobsPool),
      url,
      log,
    },
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      'memory GiB': Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: `${rows[0]?.server_version ?? '?'}${databaseUrl ? ' (DATABASE_URL)' : ' (embedded)'}`,
      date: new Date().toISOString(),
      size,
    },
    close: async () => {
      await pool.end();
      await admin.end();
      await jobsPool.end();
      await server.close();
    },
  };
}
