import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { insertSyntheticClaims } from '../src/demo/synthetic-claims';

export interface SyntheticProvidersOptions {
  providers: number;
  claimsPerProvider: number;
  /** The last date of service; claims spread over the 24 months before it. */
  until: string;
  seed: number;
  /**
   * Connections seeding at once (default 1; at most the admin pool's size). Provider i goes to
   * connection i mod n, each seeded from its own seed: deterministic for a seed and n.
   */
  connections?: number;
}

/**
 * Creates providers and their synthetic claims as the owner, one transaction and one claims
 * statement per provider, so the claims triggers record versions and dirty months as in
 * production. Returns the provider ids in creation order.
 */
export async function seedSyntheticClaims(
  admin: pg.Pool,
  options: SyntheticProvidersOptions,
): Promise<string[]> {
  const connections = Math.max(1, Math.min(options.connections ?? 1, options.providers));
  const ids: string[] = new Array(options.providers);
  await Promise.all(
    Array.from({ length: connections }, (_, k) =>
      onOneConnection(admin, options.seed + k, async (client) => {
        for (let i = k; i < options.providers; i += connections) {
          const { rows } = await client.query<{ id: string }>(
            `insert into providers (name, billing_number) values ($1, $2) returning id`,
            [`Dr. Synthetic ${i}`, `SYN-${options.seed}-${i}-${Date.now()}`],
          );
          ids[i] = rows[0]?.id as string;
          await insertClaims(client, ids[i] as string, options);
        }
      }),
    ),
  );
  return ids;
}

/** Synthetic claims for providers that already exist (signed up through the API). */
export async function seedClaimsOf(
  admin: pg.Pool,
  providerIds: readonly string[],
  options: { claimsPerProvider: number; until: string; seed: number },
): Promise<void> {
  await onOneConnection(admin, options.seed, async (client) => {
    for (const id of providerIds) await insertClaims(client, id, options);
  });
}

/** Inserts one provider's claims in its own transaction, under that provider's scope. */
async function insertClaims(
  client: pg.PoolClient,
  providerId: string,
  options: { claimsPerProvider: number; until: string },
): Promise<void> {
  await client.query('begin');
  try {
    await client.query(`select set_config('app.provider_id', $1, true)`, [providerId]);
    await insertSyntheticClaims(drizzle({ client }), providerId, {
      count: options.claimsPerProvider,
      until: options.until,
    });
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** One connection, its random() sequence seeded: the same seed draws the same claims. */
async function onOneConnection(
  admin: pg.Pool,
  seed: number,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const client = await admin.connect();
  try {
    await client.query('select setseed($1)', [(seed % 1000) / 1000]);
    await work(client);
  } finally {
    client.release();
  }
}
