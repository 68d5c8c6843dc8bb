import { ProviderId } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import { InvalidProviderIdError } from '../lib/errors';
import type { Database } from './client';

/** Throws before any SQL runs unless `providerId` is a UUID. */
export function assertProviderId(providerId: unknown): asserts providerId is string {
  if (!ProviderId.safeParse(providerId).success) throw new InvalidProviderIdError();
}

/**
 * Runs `work` in a transaction (a savepoint when `db` is already one) with app.provider_id set
 * for that transaction only, so row-level security confines every statement to that provider.
 * Queries inside still filter on provider_id themselves: RLS is the second wall, not the first.
 *
 * Inside a caller's transaction, the setting outlives the savepoint: it stays until that outer
 * transaction ends, or the next scoped call replaces it.
 */
export async function withProviderScope<T>(
  db: Database,
  providerId: string,
  work: (tx: Database) => Promise<T>,
): Promise<T> {
  assertProviderId(providerId);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.provider_id', ${providerId}, true)`);
    return work(tx);
  });
}
