import type pg from 'pg';
import { ownerQuery } from './factories';

export interface TableSnapshot {
  rows: number;
  /** A digest of every row's text, in a stable order: an UPDATE changes it, a no-op read does not. */
  digest: string;
}

/**
 * Every table of the public schema but rate_limits, with its row count and a digest of its contents, read as the
 * owner (no row-level security) in one REPEATABLE READ snapshot. Tables are listed from the
 * catalogue, so a table added by a later migration is counted without changing this file.
 */
export async function snapshotTables(admin: pg.Pool): Promise<Record<string, TableSnapshot>> {
  const client = await admin.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows: tables } = await client.query<{ tablename: string }>(
      // rate_limits counts requests, refused ones included (a wrong guess must cost the guesser):
      // it is the API's bookkeeping of who asked, not data a request wrote.
      `select tablename from pg_tables
        where schemaname = 'public' and tablename <> 'rate_limits' order by tablename`,
    );
    const snapshot: Record<string, TableSnapshot> = {};
    for (const { tablename } of tables) {
      const { rows } = await client.query<{ rows: number; digest: string }>(
        `select count(*)::int as rows,
                coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') as digest
           from public.${client.escapeIdentifier(tablename)} t`,
      );
      snapshot[tablename] = rows[0] as TableSnapshot;
    }
    await client.query('commit');
    return snapshot;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Rows of one provider in one table, read as the owner. */
export async function countRows(admin: pg.Pool, providerId: string, table: string) {
  const { rows } = await ownerQuery(
    admin,
    providerId,
    `select count(*)::int as n from public.${table} where provider_id = $1`,
    [providerId],
  );
  return rows[0]?.n as number;
}
