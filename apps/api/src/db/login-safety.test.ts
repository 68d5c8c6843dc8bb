import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/db';
import { createAppPool } from './client';
import { ensureLoginRole, loginUrl } from './login-role';
import { checkLoginCannotBypassRls, findRlsBypasses } from './login-safety';
import { randomPassword, scramSha256Verifier } from './passwords';

// Real roles on the run's server. Roles are shared by every database of a server (and by every
// run on a shared one), hence names of this run's own, dropped at the end. The table one of them
// owns is in a database of this file's own.
const ctx = useTestDatabase({ own: 'login_safety' });
const { prefix } = inject('testDatabase');
const role = (name: string) => `${prefix}_${name}`;
const password = randomPassword();
const CREATED = [
  'safe',
  'super',
  'bypass',
  'owner',
  'middle',
  'chain',
  'creator',
  'replicator',
  'filer',
];

const pools: pg.Pool[] = [];
/** A pool as the API builds it, logging in as `name`. */
function poolAs(name: string): pg.Pool {
  const pool = createAppPool(loginUrl(ctx.ownerUrl, { name, password }), { max: 1 });
  pools.push(pool);
  return pool;
}

/** A login that may become meritum_app, with `attributes` and `memberOf` on top. */
async function createLogin(name: string, attributes: string, memberOf: string[] = []) {
  const verifier = pg.escapeLiteral(scramSha256Verifier(password));
  await ctx.admin.query(`create role ${name} login ${attributes} password ${verifier}`);
  for (const granted of ['meritum_app', ...memberOf]) {
    await ctx.admin.query(`grant ${granted} to ${name}`);
  }
}

beforeAll(async () => {
  await ensureLoginRole(ctx.ownerUrl, { name: role('safe'), password });
  await createLogin(role('super'), 'superuser');
  await createLogin(role('bypass'), 'bypassrls');
  await ctx.admin.query(`create role ${role('owner')} nologin`);
  await ctx.admin.query(`create table rls_check_owned (id int)`);
  await ctx.admin.query(`alter table rls_check_owned owner to ${role('owner')}`);
  await ctx.admin.query(`create role ${role('middle')} nologin in role ${role('owner')}`);
  await createLogin(role('chain'), 'noinherit', [role('middle')]);
  await createLogin(role('creator'), 'createrole');
  await createLogin(role('replicator'), 'replication');
  await createLogin(role('filer'), 'noinherit', ['pg_read_server_files']);
});

afterAll(async () => {
  for (const pool of pools) await pool.end();
  await ctx.admin.query(`drop table if exists rls_check_owned`);
  for (const name of [...CREATED].reverse()) {
    await ctx.admin.query(`drop role if exists ${role(name)}`);
  }
});

describe('findRlsBypasses', () => {
  it('finds nothing for a login made as the API’s is, nor for the run’s own', async () => {
    expect(await findRlsBypasses(poolAs(role('safe')))).toEqual([]);
    expect(await findRlsBypasses(ctx.pool)).toEqual([]);
  });

  it('finds a superuser login and a BYPASSRLS login, though their pools run as meritum_app', async () => {
    const superPool = poolAs(role('super'));
    expect((await superPool.query('select current_user as r')).rows[0]?.r).toBe('meritum_app');
    expect(await findRlsBypasses(superPool)).toEqual([
      {
        role: role('super'),
        path: [role('super')],
        superuser: true,
        bypassRls: false,
        createRole: false,
        replication: false,
        serverFiles: false,
        ownedTables: [],
      },
    ]);
    expect(await findRlsBypasses(poolAs(role('bypass')))).toEqual([
      {
        role: role('bypass'),
        path: [role('bypass')],
        superuser: false,
        bypassRls: true,
        createRole: false,
        replication: false,
        serverFiles: false,
        ownedTables: [],
      },
    ]);
  });

  it('finds a REPLICATION login and a member of pg_read_server_files', async () => {
    expect(await findRlsBypasses(poolAs(role('replicator')))).toEqual([
      expect.objectContaining({ role: role('replicator'), replication: true, serverFiles: false }),
    ]);
    expect(await findRlsBypasses(poolAs(role('filer')))).toEqual([
      expect.objectContaining({
        role: 'pg_read_server_files',
        path: [role('filer'), 'pg_read_server_files'],
        replication: false,
        serverFiles: true,
      }),
    ]);
  });

  it('finds a table owner two memberships away, even from a NOINHERIT login', async () => {
    expect(await findRlsBypasses(poolAs(role('chain')))).toEqual([
      {
        role: role('owner'),
        path: [role('chain'), role('middle'), role('owner')],
        superuser: false,
        bypassRls: false,
        createRole: false,
        replication: false,
        serverFiles: false,
        ownedTables: ['public.rls_check_owned'],
      },
    ]);
  });

  it('finds the owner of the migrated tables when the API logs in as it', async () => {
    const ownerPool = createAppPool(ctx.ownerUrl, { max: 1 });
    pools.push(ownerPool);
    const { rows } = await ctx.admin.query('select current_user as owner');
    const found = await findRlsBypasses(ownerPool);
    expect(found.map((b) => b.role)).toEqual([rows[0]?.owner]);
    expect(found[0]?.ownedTables).toHaveLength(5); // the first five, enough to say which
  });

  it('finds CREATEROLE before PostgreSQL 16, where it may grant itself the owner’s role', async () => {
    const { rows } = await ctx.admin.query(
      `select current_setting('server_version_num')::int >= 160000 as sixteen`,
    );
    const found = await findRlsBypasses(poolAs(role('creator')));
    expect(found.map((b) => b.createRole)).toEqual(rows[0]?.sixteen ? [] : [true]);
  });
});

describe('checkLoginCannotBypassRls', () => {
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => warnings.push(JSON.parse(line).msg) },
  );

  it('refuses a login that can bypass row-level security in production, naming how', async () => {
    await expect(
      checkLoginCannotBypassRls(poolAs(role('chain')), { production: true, logger }),
    ).rejects.toThrow(
      `the database login "${role('chain')}" can bypass row-level security:\n` +
        `  "${role('owner')}" (a member through ${role('chain')} > ${role('middle')} > ${role('owner')}) owns public.rls_check_owned`,
    );
    expect(warnings).toEqual([]);
  });

  it('only warns outside production, and says nothing of a safe login', async () => {
    await checkLoginCannotBypassRls(poolAs(role('bypass')), { production: false, logger });
    await checkLoginCannotBypassRls(poolAs(role('safe')), { production: true, logger });
    expect(warnings).toEqual([
      `the database login "${role('bypass')}" can bypass row-level security:\n` +
        `  "${role('bypass')}" has BYPASSRLS\n` +
        '(allowed outside production; NODE_ENV=production refuses to start)',
    ]);
  });
});
