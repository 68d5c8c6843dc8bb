import type pg from 'pg';
import type { Logger } from 'pino';

/** A role the login is, or is a member of (directly or through other roles), that can lift row-level security. */
export interface RlsBypass {
  role: string;
  /** From the login to `role`, each a member of the next. */
  path: string[];
  superuser: boolean;
  bypassRls: boolean;
  /** Before PostgreSQL 16, CREATEROLE may grant any role but a superuser, the owner's included. */
  createRole: boolean;
  /** REPLICATION: a base backup or logical decoding reads every row. */
  replication: boolean;
  /**
   * One of pg_read_server_files, pg_write_server_files, pg_execute_server_program: the table
   * files read directly, or the server's OS user's powers through files or COPY ... PROGRAM.
   */
  serverFiles: boolean;
  /** Some of the tables it owns (an owner may turn row-level security off). */
  ownedTables: string[];
}

const SERVER_FILE_ROLES = [
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
];

/**
 * Run on a connection of the pool under test: `session_user` is its login, whatever role the
 * connection took on top. Memberships are followed whatever their options, since a member with
 * SET may become the role, and one with ADMIN may grant it to itself.
 */
const FIND_BYPASSES = `
  with recursive reached(oid, path) as (
    select r.oid, array[r.rolname::text] from pg_roles r where r.rolname = session_user
    union all
    select m.roleid, reached.path || r.rolname::text
      from reached
      join pg_auth_members m on m.member = reached.oid
      join pg_roles r on r.oid = m.roleid
     where not r.rolname = any (reached.path)
  ),
  owned as (
    select c.relowner as oid, array_agg(format('%I.%I', n.nspname, c.relname) order by n.nspname, c.relname) as tables
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f')
       and n.nspname not in ('pg_catalog', 'information_schema')
       and n.nspname not like 'pg\\_toast%'
     group by c.relowner
  )
  select distinct on (r.rolname) r.rolname as role, reached.path, r.rolsuper as superuser,
         r.rolbypassrls as "bypassRls", r.rolcreaterole and before_16 as "createRole",
         r.rolreplication as replication, r.rolname = any ($1::text[]) as "serverFiles",
         coalesce(owned.tables[1:5], '{}') as "ownedTables"
    from reached
    join pg_roles r on r.oid = reached.oid
    left join owned on owned.oid = reached.oid
   cross join (select current_setting('server_version_num')::int < 160000 as before_16) v
   where r.rolsuper or r.rolbypassrls or (r.rolcreaterole and before_16) or r.rolreplication
      or r.rolname = any ($1::text[]) or owned.tables is not null
   order by r.rolname, array_length(reached.path, 1)`;

/** Every role through which the pool's login could lift row-level security; none for a safe login. */
export async function findRlsBypasses(pool: pg.Pool): Promise<RlsBypass[]> {
  const { rows } = await pool.query<RlsBypass>(FIND_BYPASSES, [SERVER_FILE_ROLES]);
  return rows;
}

/** One line per role, saying how the login reaches it and what it may do. */
export function describeBypasses(login: string, bypasses: readonly RlsBypass[]): string {
  const lines = bypasses.map((b) => {
    const how = [
      b.superuser ? 'is a superuser' : '',
      b.bypassRls ? 'has BYPASSRLS' : '',
      b.createRole ? 'has CREATEROLE (it may grant itself the owner’s role)' : '',
      b.replication ? 'has REPLICATION (a base backup or logical decoding reads every row)' : '',
      b.serverFiles ? 'reads or writes the server’s files, or runs its programs' : '',
      b.ownedTables.length > 0 ? `owns ${b.ownedTables.join(', ')}` : '',
    ].filter(Boolean);
    const through = b.path.length > 1 ? ` (a member through ${b.path.join(' > ')})` : '';
    return `  "${b.role}"${through} ${how.join(' and ')}`;
  });
  return `the database login "${login}" can bypass row-level security:\n${lines.join('\n')}`;
}

/**
 * The API's pools must log in as a role that holds meritum_app and meritum_jobs and nothing else
 * (docs/decisions.md): any session may step back to its login, so a login that can lift
 * row-level security makes it a wall only for the application's own queries. In production the
 * API refuses to start; elsewhere it warns.
 */
export async function checkLoginCannotBypassRls(
  pool: pg.Pool,
  options: { production: boolean; logger: Pick<Logger, 'warn'> },
): Promise<void> {
  const bypasses = await findRlsBypasses(pool);
  if (bypasses.length === 0) return;
  const { rows } = await pool.query<{ login: string }>('select session_user as login');
  const message = describeBypasses(rows[0]?.login ?? '?', bypasses);
  if (options.production) {
    throw new Error(
      `${message}\nIn production DATABASE_URL must log in as a role that only holds meritum_app ` +
        'and meritum_jobs, with migrations on MIGRATION_DATABASE_URL (README, Configuration).',
    );
  }
  options.logger.warn(
    { bypasses },
    `${message}\n(allowed outside production; NODE_ENV=production refuses to start)`,
  );
}
