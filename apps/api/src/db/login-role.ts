import pg from 'pg';
import { APP_ROLE, JOBS_ROLE } from './client';
import { scramSha256Verifier } from './passwords';

/** The API's login on the embedded server. */
export const API_LOGIN = 'meritum_api';

export interface Login {
  name: string;
  password: string;
}

/**
 * Makes `login` a role that may log in and become meritum_app or meritum_jobs, and nothing more:
 * no privileges of its own, no attribute that lifts row-level security, nothing owned. Its pools
 * name their role at connection start (createAppPool); NOINHERIT keeps the two roles' privileges
 * from applying to the login itself, so a session that steps back to it (`SET ROLE NONE`,
 * `RESET SESSION AUTHORIZATION`) can read nothing. Run as the owner, after the migrations that
 * create the two roles; safe to run again (the password is set anew each time).
 */
export async function ensureLoginRole(ownerUrl: string, login: Login): Promise<void> {
  const client = new pg.Client({
    connectionString: ownerUrl,
    application_name: 'meritum-provision',
  });
  await client.connect();
  try {
    const role = client.escapeIdentifier(login.name);
    const attributes =
      'LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION ' +
      `PASSWORD ${client.escapeLiteral(scramSha256Verifier(login.password))}`;
    const existing = await client.query('select 1 from pg_roles where rolname = $1', [login.name]);
    await client.query(`${existing.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} ${attributes}`);
    const { rows } = await client.query<{ version: number }>(
      `select current_setting('server_version_num')::int as version`,
    );
    // From PostgreSQL 16 a membership says whether it may be SET and inherited; before, any
    // membership may be SET, and NOINHERIT alone keeps its privileges off the login.
    const options = (rows[0]?.version ?? 0) >= 160_000 ? ' WITH INHERIT FALSE, SET TRUE' : '';
    for (const granted of [APP_ROLE, JOBS_ROLE]) {
      await client.query(`GRANT ${client.escapeIdentifier(granted)} TO ${role}${options}`);
    }
  } finally {
    await client.end();
  }
}

/** The same server and database, logging in as `login`. */
export function loginUrl(url: string, login: Login): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.name);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString();
}
