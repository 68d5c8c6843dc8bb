import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/db';

// The application's pools in every test log in as the run's login, made by ensureLoginRole as
// the API's is: what it may and may not do is what production's login may and may not do.
const ctx = useTestDatabase();

describe('the application login', () => {
  it('is a login that inherits nothing, lifts nothing and owns nothing', async () => {
    const { rows } = await ctx.pool.query('select session_user as login');
    const login = rows[0]?.login as string;
    const role = await ctx.admin.query(
      `select rolcanlogin, rolinherit, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole,
              rolreplication
         from pg_roles where rolname = $1`,
      [login],
    );
    expect(role.rows).toEqual([
      {
        rolcanlogin: true,
        rolinherit: false,
        rolsuper: false,
        rolbypassrls: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
      },
    ]);
    const memberOf = await ctx.admin.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
        where m.member = (select oid from pg_roles where rolname = $1) order by 1`,
      [login],
    );
    expect(memberOf.rows.map((r) => r.rolname)).toEqual(['meritum_app', 'meritum_jobs']);
    const owned = await ctx.admin.query(
      `select count(*)::int as n from pg_class where relowner = (select oid from pg_roles where rolname = $1)`,
      [login],
    );
    expect(owned.rows[0]?.n).toBe(0);
  });

  it('runs the pools as meritum_app and meritum_jobs from the first statement', async () => {
    const app = await ctx.pool.query('select current_user as role');
    const jobs = await ctx.jobsDb.execute('select current_user as role');
    expect([app.rows[0]?.role, jobs.rows[0]?.role]).toEqual(['meritum_app', 'meritum_jobs']);
  });

  it('reads nothing once a session steps back to the login itself', async () => {
    const client = await ctx.pool.connect();
    try {
      const { rows: me } = await client.query('select session_user as login');
      const login = client.escapeIdentifier(me[0]?.login);
      for (const stepBack of ['set role none', `set role ${login}`]) {
        await client.query(stepBack);
        const { rows } = await client.query('select current_user as role, session_user as login');
        expect(rows[0]?.role).toBe(rows[0]?.login);
        for (const table of ['claims', 'providers', 'users', 'sessions', 'analytics_cache']) {
          await expect(client.query(`select count(*) from ${table}`)).rejects.toMatchObject({
            code: '42501',
          });
        }
        await expect(
          client.query(`insert into providers (name, billing_number) values ('Dr. Back', 'BACK')`),
        ).rejects.toMatchObject({ code: '42501' });
      }
      // RESET ROLE and RESET SESSION AUTHORIZATION return to the role named at connection start.
      for (const reset of ['reset role', 'reset session authorization']) {
        await client.query('set role none');
        await client.query(reset);
        expect((await client.query('select current_user as role')).rows[0]?.role).toBe(
          'meritum_app',
        );
      }
    } finally {
      // The connection has left meritum_app: it must not go back to the pool.
      client.release(true);
    }
  });

  it('cannot become the owner or any role it was not granted', async () => {
    const { rows } = await ctx.admin.query('select current_user as owner');
    const client = await ctx.pool.connect();
    try {
      await expect(
        client.query(`set role ${client.escapeIdentifier(rows[0]?.owner)}`),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('set role pg_read_all_data')).rejects.toMatchObject({
        code: '42501',
      });
    } finally {
      client.release(true);
    }
  });
});
