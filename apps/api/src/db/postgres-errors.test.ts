import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/db';
import { NotFoundError } from '../lib/errors';
import { createAppPool, createDatabase } from './client';
import { isDatabaseUnavailable, isStatementCancelled } from './postgres-errors';

const ctx = useTestDatabase();

/** What `run` rejects with. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('isDatabaseUnavailable', () => {
  // Nothing listens on port 1: every connection is refused.
  const refusedPool = createAppPool('postgres://meritum@127.0.0.1:1/meritum', { max: 1 });
  afterAll(() => refusedPool.end());

  it('recognises a refused connection, through Drizzle and inside a transaction', async () => {
    const db = createDatabase(refusedPool);
    expect(isDatabaseUnavailable(await failureOf(() => db.execute(sql`select 1`)))).toBe(true);
    expect(
      isDatabaseUnavailable(
        await failureOf(() => db.transaction((tx) => tx.execute(sql`select 1`))),
      ),
    ).toBe(true);
  });

  it('recognises a session ended by the server (57P01)', async () => {
    const failure = await failureOf(() =>
      ctx.db.transaction(async (tx) => {
        const { rows } = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
        const sleeping = tx.execute(sql`select pg_sleep(5)`);
        await ctx.admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
        await sleeping;
      }),
    );
    expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
  });

  it.each([
    ['a division by zero', [sql`select 1 / 0`]],
    ['a syntax error', [sql`selec 1`]],
    ['an unknown table', [sql`select * from no_such_table`]],
  ])('leaves %s to be a 500', async (_what, statements) => {
    const failure = await failureOf(() =>
      ctx.db.transaction(async (tx) => {
        for (const statement of statements) await tx.execute(statement);
      }),
    );
    expect(isDatabaseUnavailable(failure), String(failure)).toBe(false);
  });

  it('leaves errors that are not the database’s alone', () => {
    expect(isDatabaseUnavailable(new Error('Connection pool full, says a library'))).toBe(false);
    expect(isDatabaseUnavailable(new NotFoundError('claim'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('isStatementCancelled', () => {
  it('recognises a statement cancelled by its timeout (57014), through Drizzle and a transaction', async () => {
    const failure = await failureOf(() =>
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`set local statement_timeout = 1`);
        await tx.execute(sql`select pg_sleep(1)`);
      }),
    );
    expect(isStatementCancelled(failure), String(failure)).toBe(true);
    expect(isDatabaseUnavailable(failure)).toBe(false);
  });

  it('leaves other failures alone', async () => {
    const failure = await failureOf(() => ctx.db.execute(sql`select 1 / 0`));
    expect(isStatementCancelled(failure)).toBe(false);
    expect(isStatementCancelled(new NotFoundError('claim'))).toBe(false);
    expect(isStatementCancelled(undefined)).toBe(false);
  });
});
