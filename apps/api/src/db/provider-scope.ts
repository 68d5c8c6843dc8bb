import { ProviderId } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { InvalidProviderIdError } from '../lib/errors';
import type { Database } from './client';

declare const opened: unique symbol;

/**
 * One unit of work for one provider: a transaction in which `app.provider_id` is set (SET LOCAL)
 * to `providerId`. Only `withProviderScope` makes one, and repositories take nothing else, so a
 * repository cannot reach provider data outside a scope, and the provider its WHERE clauses name
 * is the one row-level security enforces.
 */
export interface ProviderTx {
  /** The transaction. */
  readonly db: Database;
  /** The connection the transaction runs on: for what Drizzle does not speak (COPY). */
  readonly client: pg.ClientBase;
  /** A checked UUID, in the spelling the caller gave. */
  readonly providerId: string;
  readonly [opened]: true;
}

export interface ScopeOptions {
  /** Default read committed. */
  isolation?: 'read committed' | 'repeatable read';
  /** A read-only transaction: for a snapshot that only reads. */
  readOnly?: boolean;
}

/** Throws before any SQL runs unless `providerId` is a UUID. */
function assertProviderId(providerId: unknown): asserts providerId is string {
  if (!ProviderId.safeParse(providerId).success) throw new InvalidProviderIdError();
}

/**
 * Runs `work` as one unit of work for one provider: one transaction, with app.provider_id set
 * for it, so row-level security confines every statement to that provider. Services open it
 * once, at their entry, and hand it to the repositories they use. Queries inside still filter on
 * provider_id themselves: RLS is the second wall, not the first.
 *
 * On a pool, BEGIN and SET LOCAL go in one round trip (a simple query of two statements). On a
 * transaction already open, the scope is a savepoint, and the setting stays until that outer
 * transaction ends or the next scope replaces it.
 */
export async function withProviderScope<T>(
  db: Database,
  providerId: string,
  work: (tx: ProviderTx) => Promise<T>,
  options: ScopeOptions = {},
): Promise<T> {
  assertProviderId(providerId);
  // SET LOCAL, not set_config(): Citus sends SET LOCAL on to the workers
  // (citus.propagate_set_commands = 'local'), where row-level security reads it. The id is a
  // checked UUID, so it is safe as a literal (SET takes no bind parameters).
  const setScope = `set local app.provider_id = '${providerId}'`;
  const scoped = (tx: Database, client: pg.ClientBase) =>
    ({ db: tx, client, providerId }) as ProviderTx;
  const pool = (db as { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) {
    return db.transaction(
      async (tx) => {
        await tx.execute(sql.raw(setScope));
        return work(scoped(tx, clientOf(tx)));
      },
      { isolationLevel: options.isolation, accessMode: options.readOnly ? 'read only' : undefined },
    );
  }
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query(`${beginStatement(options)}; ${setScope}`);
    const result = await work(scoped(transactionOn(client), client));
    await client.query('commit');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: it leaves the pool with the error.
    await client.query('rollback').catch((rollbackError: Error) => {
      failure = rollbackError;
    });
    throw error;
  } finally {
    client.release(failure);
  }
}

const dialect = new PgDialect();

/**
 * Drizzle's own transaction object on a client whose transaction is already open: what
 * `db.transaction()` hands its callback, so a nested `transaction()` is a savepoint.
 */
function transactionOn(client: pg.PoolClient): Database {
  return new NodePgTransaction(dialect, new NodePgSession(client, dialect, undefined), undefined);
}

/** The connection under a Drizzle node-postgres transaction. */
function clientOf(tx: Database): pg.ClientBase {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  if (!(client instanceof pg.Client)) throw new Error('a provider scope needs a pg connection');
  return client;
}

function beginStatement({ isolation, readOnly }: ScopeOptions): string {
  return ['begin', isolation ? `isolation level ${isolation}` : '', readOnly ? 'read only' : '']
    .filter(Boolean)
    .join(' ');
}
