import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAppPool, createDatabase } from '../src/db/client';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
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
  let embedded: RunningPostgres | undefined;
  let serverUrl = databaseUrl;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(tmpdir(), `meritum-bench-pg-${process.pid}`),
      persistent: false,
    });
    serverUrl = embedded.url('postgres');
  }
  const name = `meritum_bench_${process.pid}`;
  const maintenance = new pg.Client({ connectionString: serverUrl });
  await maintenance.connect();
  await maintenance.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());

  const pool = createAppPool(url.toString(), { max: 8, applicationName: 'meritum-bench' });
  const admin = new pg.Pool({ connectionString: url.toString(), max: 4 });
  const { rows } = await admin.query<{ server_version: string }>('show server_version');

  return {
    ctx: { size, db: createDatabase(pool), admin, log },
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      'memory GiB': Math.round(totalmem() / 2 ** 30),
      'free memory GiB at start': Math.round(freemem() / 2 ** 30),
      node: process.version,
      postgres: `${rows[0]?.server_version ?? '?'}${embedded ? ' (embedded)' : ' (DATABASE_URL)'}`,
      date: new Date().toISOString(),
      size,
    },
    close: async () => {
      await pool.end();
      await admin.end();
      await maintenance.query(`drop database ${name} with (force)`);
      await maintenance.end();
      await embedded?.stop();
    },
  };
}
