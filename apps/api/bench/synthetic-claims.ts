import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { insertSyntheticClaims } from '../src/demo/synthetic-claims';

export interface SyntheticProvidersOptions {
  providers: number;
  claimsPerProvider: number;
  /** The last date of service; claims spread over the 24 months before it. */
  until: string;
  seed: number;
}

/**
 * Creates providers and their synthetic claims as the owner, one transaction and one claims
 * statement per provider, deterministic for a seed (one connection). Returns the provider ids.
 */
export async function seedSyntheticClaims(
  admin: pg.Pool,
  options: SyntheticProvidersOptions,
): Promise<string[]> {
  const client = await admin.connect();
  const ids: string[] = [];
  try {
    await client.query('select setseed($1)', [(options.seed % 1000) / 1000]);
    for (let i = 0; i < options.providers; i++) {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into providers (name, billing_number) values ($1, $2) returning id`,
        [`Dr. Synthetic ${i}`, `SYN-${options.seed}-${i}-${Date.now()}`],
      );
      const id = rows[0]?.id as string;
      await client.query(`select set_config('app.provider_id', $1, true)`, [id]);
      await insertSyntheticClaims(drizzle({ client }), id, {
        count: options.claimsPerProvider,
        until: options.until,
      });
      await client.query('commit');
      ids.push(id);
    }
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  return ids;
}
