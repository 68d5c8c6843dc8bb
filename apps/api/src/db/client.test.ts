import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/db';
import {
  CONNECT_TIMEOUT_MS,
  createAppPool,
  createDatabase,
  type Database,
  IDLE_IN_TRANSACTION_TIMEOUT_MS,
  STATEMENT_TIMEOUT_MS,
} from './client';
import { isDatabaseUnavailable } from './postgres-errors';

const ctx = useTestDatabase();

/** Resolves with what `promise` settles to, or rejects once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The next client the pool hands out. */
const nextAcquired = (pool: pg.Pool) =>
  new Promise<pg.PoolClient>((resolve) => pool.once('acquire', resolve));

/**
 * On a one-connection pool: a transaction whose connection `lose` ends fails as the database
 * being unavailable at its next statement; then the pool serves again on a new connection, with
 * nothing leaked. The pool is ended afterwards.
 */
async function expectLostThenServedAgain(
  pool: pg.Pool,
  lose: (tx: Database, client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const db = createDatabase(pool);
  try {
    const acquired = nextAcquired(pool);
    const failed = await db
      .transaction(async (tx) => {
        await lose(tx, await acquired);
        return tx.execute(sql`select 2`);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isDatabaseUnavailable(failed), String(failed)).toBe(true);

    const { rows } = await within(CONNECT_TIMEOUT_MS / 2, db.execute(sql`select 3 as three`));
    expect(rows).toEqual([{ three: 3 }]);
    expect({ total: pool.totalCount, idle: pool.idleCount }).toEqual({ total: 1, idle: 1 });
  } finally {
    await within(5_000, pool.end());
  }
}

describe('the application pool when a connection is lost', () => {
  it('gives back a client whose connection drops at BEGIN, which Drizzle 0.45 never releases', async () => {
    const pool = createAppPool(ctx.url, { max: 1, applicationName: 'meritum-test-drop' });
    const db = createDatabase(pool);
    try {
      await db.execute(sql`select 1`);
      // The connection drops as the transaction takes it from the pool: its BEGIN fails.
      pool.once('acquire', (client) => {
        (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
      });
      await expect(db.transaction((tx) => tx.execute(sql`select 1`))).rejects.toThrow();

      // The pool's one slot is free again: the next transaction opens a new connection.
      const { rows } = await within(
        CONNECT_TIMEOUT_MS / 2,
        db.transaction((tx) => tx.execute(sql`select 2 as two`)),
      );
      expect(rows).toEqual([{ two: 2 }]);
      expect({ total: pool.totalCount, idle: pool.idleCount }).toEqual({ total: 1, idle: 1 });
    } finally {
      await within(5_000, pool.end());
    }
  });

  it('survives a connection lost between two statements of a transaction, and carries on', async () => {
    const pool = createAppPool(ctx.url, { max: 1, applicationName: 'meritum-test-lost' });
    await expectLostThenServedAgain(pool, async (tx, client) => {
      const { rows } = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      await ctx.admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      // Idle in transaction when the server ends the session: no query is there to fail,
      // so node-postgres emits the loss as an 'error' event on the checked-out client.
      // (Not events.once, which would listen for that 'error' itself.)
      await within(5_000, new Promise((resolve) => client.once('end', resolve)));
    });
  });

  describe('with a server that accepts connections and never answers', () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails a query as unavailable once the connect timeout passes, instead of waiting for ever', async () => {
      silent.listen(0, '127.0.0.1');
      await once(silent, 'listening');
      const { port } = silent.address() as { port: number };
      const pool = createAppPool(`postgres://meritum@127.0.0.1:${port}/meritum`, { max: 1 });
      try {
        const failed = await within(
          CONNECT_TIMEOUT_MS + 2_000,
          createDatabase(pool)
            .execute(sql`select 1`)
            .then(
              () => undefined,
              (error: unknown) => error,
            ),
        );
        expect(isDatabaseUnavailable(failed), String(failed)).toBe(true);
      } finally {
        await pool.end();
      }
    });
  });
});

describe('the application pool’s time limits', () => {
  it('sets the statement and idle-in-transaction timeouts on every connection, and RESET keeps them', async () => {
    const client = await ctx.pool.connect();
    try {
      const read = async () => {
        const { rows } = await client.query<{ statement: string; idle: string }>(
          `select current_setting('statement_timeout') as statement,
                  current_setting('idle_in_transaction_session_timeout') as idle`,
        );
        return rows[0];
      };
      expect(await read()).toEqual({
        statement: `${STATEMENT_TIMEOUT_MS / 1000}s`,
        idle: `${IDLE_IN_TRANSACTION_TIMEOUT_MS / 60_000}min`,
      });
      await client.query('reset all');
      expect(await read()).toEqual({
        statement: `${STATEMENT_TIMEOUT_MS / 1000}s`,
        idle: `${IDLE_IN_TRANSACTION_TIMEOUT_MS / 60_000}min`,
      });
    } finally {
      client.release(true);
    }
  });

  it('ends a session left idle inside a transaction, and the pool carries on with a new one', async () => {
    const pool = createAppPool(ctx.url, {
      max: 1,
      applicationName: 'meritum-test-idle',
      idleInTransactionTimeoutMs: 200,
    });
    await expectLostThenServedAgain(pool, async (tx, client) => {
      await tx.execute(sql`select 1`);
      // The holder hangs: the server ends the session rather than keep its transaction open.
      await within(5_000, new Promise((resolve) => client.once('end', resolve)));
    });
  });
});
