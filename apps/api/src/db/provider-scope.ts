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
    // SET LOCAL, not set_config(): Citus sends SET LOCAL on to the workers
    // (citus.propagate_set_commands = 'local'), where row-level security reads it. The id is a
    // checked UUID, so it is safe as a literal (SET takes no bind parameters).
    await tx.execute(sql.raw(`set local app.provider_id = '${providerId}'`));
    return work(tx);
  });
}
