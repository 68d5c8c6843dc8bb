import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';
import { databaseUrl } from './database-url';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { serverUrl: string; templateName: string; prefix: string };
  }
}

/**
 * Starts one PostgreSQL for the run (embedded 16, or the server at DATABASE_URL), migrates a
 * template database once, and leaves each worker to clone its own database from it.
 */
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  let embedded: RunningPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(tmpdir(), `meritum-test-pg-${runId}`),
      persistent: false,
      fast: true,
    });
    serverUrl = embedded.url('postgres');
  }

  const prefix = `meritum_test_${runId}`;
  const templateName = `${prefix}_template`;
  await adminQuery(serverUrl, `create database ${templateName}`);
  await runMigrations(databaseUrl(serverUrl, templateName));
  project.provide('testDatabase', { serverUrl, templateName, prefix });

  return async () => {
    const databases = await adminQuery(
      serverUrl,
      `select datname from pg_database where datname like '${prefix}%'`,
    );
    for (const { datname } of databases.rows) {
      await adminQuery(serverUrl, `drop database if exists "${datname}" with (force)`);
    }
    await embedded?.stop();
  };
}

async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
