import { analyticsRefreshState } from '@meritum/shared';
import { eq } from 'drizzle-orm';
import type { Database } from '../src/db/client';
import { type ProviderTx, withProviderScope } from '../src/db/provider-scope';
import {
  type FreshnessStatus,
  statusQuery,
  toFreshnessStatus,
} from '../src/domains/analytics/repos/freshness.repo';

type Methods<R> = {
  [K in keyof R as R[K] extends (...args: never[]) => Promise<unknown> ? K : never]: R[K];
};

/**
 * A repository whose every method call is a unit of work of its own for `providerId`: for tests
 * that call one repository method at a time, as a service would inside its scope.
 */
export function scopedRepo<R extends object>(
  db: Database,
  providerId: string,
  make: (tx: ProviderTx) => R,
): Methods<R> {
  return new Proxy({} as Methods<R>, {
    get(_target, name) {
      return (...args: unknown[]) =>
        withProviderScope(db, providerId, (tx) => {
          const repo = make(tx) as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>;
          const method = repo[name];
          if (typeof method !== 'function') throw new Error(`no method ${String(name)}`);
          return method.apply(repo, args);
        });
    },
  });
}

/** Where a provider's cache stands against its claims, read as the dashboard reads it. */
export function freshnessOf(db: Database, providerId: string): Promise<FreshnessStatus> {
  return withProviderScope(db, providerId, async (tx) => {
    const { rows } = await tx.db.execute<Parameters<typeof toFreshnessStatus>[0] & object>(
      statusQuery(providerId),
    );
    return toFreshnessStatus(rows[0]);
  });
}

/** How many refreshes of the provider have completed. */
export function refreshCountOf(db: Database, providerId: string): Promise<number> {
  return withProviderScope(db, providerId, async (tx) => {
    const [row] = await tx.db
      .select({ count: analyticsRefreshState.refreshCount })
      .from(analyticsRefreshState)
      .where(eq(analyticsRefreshState.providerId, providerId));
    return row?.count ?? 0;
  });
}
