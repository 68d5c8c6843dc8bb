import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppPool } from './client';
import { startEmbeddedPostgres } from './embedded';
import { credentialsFileOf, readCredentials } from './embedded-credentials';
import { loadEmbeddedPostgres } from './embedded-postgres-loader';
import { API_LOGIN } from './login-role';
import { findRlsBypasses } from './login-safety';
import { openDatabaseServer } from './provision';

// Each case runs a PostgreSQL of its own, whatever DATABASE_URL says: the embedded server's
// passwords are the subject. Data directories sit straight in the temporary folder, which the
// `postgres` user can reach when the tests run as root.
const dataDirs: string[] = [];
const newDataDir = (label: string) => {
  const dir = join(
    tmpdir(),
    `meritum-${label}-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
  );
  dataDirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dataDirs) {
    await rm(dir, { recursive: true, force: true });
    await rm(credentialsFileOf(dir), { force: true });
  }
});

/** The SQLSTATE a login with this password gets, or 'ok'. */
async function tryLogin(port: number, user: string, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A data directory as this project made them before each had its own password. */
async function initialiseWithFixedPassword(dataDir: string): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: 0,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
}

describe('the embedded server’s passwords', () => {
  it('gives a new data directory a superuser password of its own, in a file only this user may read, and requires it', async () => {
    const dataDir = newDataDir('fresh');
    const server = await startEmbeddedPostgres({ dataDir, persistent: true, fast: true });
    try {
      const file = credentialsFileOf(dataDir);
      const info = await stat(file);
      expect({ mode: info.mode & 0o777, uid: info.uid }).toEqual({
        mode: 0o600,
        uid: userInfo().uid,
      });
      const credentials = await readCredentials(file);
      expect(credentials?.apiPassword).toBe(server.apiPassword);
      expect(server.replacedFixedPassword).toBe(false);

      expect(await tryLogin(server.port, 'postgres', credentials?.superuserPassword ?? '')).toBe(
        'ok',
      );
      expect(await tryLogin(server.port, 'postgres', 'postgres')).toBe('28P01');
      expect(await tryLogin(server.port, 'postgres', 'not the password')).toBe('28P01');
      const hba = await readFile(join(dataDir, 'pg_hba.conf'), 'utf8');
      const methods = hba
        .split('\n')
        .filter((line) => /^\s*(local|host)/.test(line))
        .map((line) => line.trim().split(/\s+/).at(-1));
      expect(new Set(methods)).toEqual(new Set(['scram-sha-256']));
    } finally {
      await server.stop();
    }
  });

  it('replaces the fixed password of a data directory made before, keeping its data, and the API logs in as meritum_api', async () => {
    const dataDir = newDataDir('legacy');
    await initialiseWithFixedPassword(dataDir);
    const logged: string[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => logged.push(JSON.parse(line).msg) },
    );

    const first = await openDatabaseServer({ dataDir }, logger);
    const keep = new pg.Client({ connectionString: first.migrationUrl });
    await keep.connect();
    await keep.query('create table kept (note text)');
    await keep.query('insert into kept values ($1)', ['before']);
    await keep.end();
    await first.close();
    expect(logged).toContain(
      'the embedded PostgreSQL had the fixed password postgres; it now has its own, kept in this file',
    );
    const { mode } = await stat(credentialsFileOf(dataDir));
    expect(mode & 0o777).toBe(0o600);

    // Started again: the file's password opens it, the fixed one no longer does.
    logged.length = 0;
    const again = await openDatabaseServer({ dataDir }, logger);
    try {
      expect(logged.some((m) => m.includes('fixed password'))).toBe(false);
      const port = Number(new URL(again.migrationUrl).port);
      expect(await tryLogin(port, 'postgres', 'postgres')).toBe('28P01');
      const owner = new pg.Client({ connectionString: again.migrationUrl });
      await owner.connect();
      expect((await owner.query('select note from kept')).rows).toEqual([{ note: 'before' }]);
      await owner.end();

      await again.migrate();
      const pool = createAppPool(again.url, { max: 1 });
      try {
        const { rows } = await pool.query('select session_user as login, current_user as role');
        expect(rows).toEqual([{ login: API_LOGIN, role: 'meritum_app' }]);
        expect(await findRlsBypasses(pool)).toEqual([]);
      } finally {
        await pool.end();
      }
      const { apiPassword } = (await readCredentials(credentialsFileOf(dataDir))) ?? {};
      expect(await tryLogin(port, API_LOGIN, apiPassword ?? '')).toBe('ok');
      expect(await tryLogin(port, API_LOGIN, 'not the password')).toBe('28P01');
    } finally {
      await again.close();
    }
  });

  it('refuses a credentials file that others may read, or that is not JSON of two passwords', async () => {
    const file = join(
      tmpdir(),
      `meritum-credentials-${process.pid}-${randomBytes(3).toString('hex')}.json`,
    );
    try {
      const good = JSON.stringify({
        superuserPassword: 'x'.repeat(43),
        apiPassword: 'y'.repeat(43),
      });
      await writeFile(file, good, { mode: 0o644 });
      await expect(readCredentials(file)).rejects.toThrow(/readable by no one else \(chmod 600\)/);
      await rm(file);
      await writeFile(file, '{"superuserPassword":"short"}', { mode: 0o600 });
      await expect(readCredentials(file)).rejects.toThrow();
      await rm(file);
      expect(await readCredentials(file)).toBeUndefined();
    } finally {
      await rm(file, { force: true });
    }
  });
});
