import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { PINNED_SETTINGS } from './client';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any constant works; it only has to be the same for every instance of the API.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending drizzle-kit migrations as the connecting (owner) user, on one connection
 * holding an advisory lock, so two instances starting together do not migrate twice.
 */
export async function runMigrations(connectionString: string): Promise<void> {
  const client = new pg.Client({
    connectionString,
    application_name: 'meritum-migrate',
    // No time limit, whatever the server's or the role's defaults: a migration rewriting a large
    // table may take minutes, and cancelling it halfway helps no one (it runs in a transaction).
    options: `-c statement_timeout=0 -c idle_in_transaction_session_timeout=0 ${PINNED_SETTINGS}`,
  });
  await client.connect();
  try {
    const db = drizzle({ client });
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  } finally {
    await client.end();
  }
}
