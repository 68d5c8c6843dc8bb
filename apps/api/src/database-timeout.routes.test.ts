import { edmontonDateString, systemClock } from '@meritum/shared';
import type pg from 'pg';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { type TestDatabase, useTestDatabase } from '../test/db';
import { snapshotTables } from '../test/row-counts';
import { signUp } from '../test/sign-up';
import { createAppPool, createDatabase } from './db/client';

// A statement held behind a lock longer than the statement timeout: the owner (another
// connection) holds the lock, as a long migration or a stuck transaction would.
const ctx = useTestDatabase({ own: 'timeout' });
const STATEMENT_TIMEOUT_MS = 300;

/** The same database through a pool with a tiny statement timeout, otherwise as the server's. */
const tight = {} as TestDatabase;
let tightPool: pg.Pool | undefined;
beforeAll(() => {
  tightPool = createAppPool(ctx.url, {
    max: 4,
    applicationName: 'meritum-test-timeout',
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
  });
  Object.assign(tight, ctx, { pool: tightPool, db: createDatabase(tightPool) });
});
afterAll(() => tightPool?.end());

const signing = useApp(ctx);
const timed = useApp(tight);

/** A physician signed up through the ordinary app, and their session cookie. */
async function physician() {
  const { providerId, cookie } = await signUp(signing);
  return { providerId, cookie };
}

/** Runs `request` while the owner holds `table` in ACCESS EXCLUSIVE mode, then lets go. */
async function whileLocked<T>(table: string, request: () => Promise<T>): Promise<T> {
  const owner = await ctx.admin.connect();
  try {
    await owner.query('begin');
    await owner.query(`lock table ${owner.escapeIdentifier(table)} in access exclusive mode`);
    return await request();
  } finally {
    await owner.query('rollback');
    owner.release();
  }
}

/** Every table's contents but the shared rate-limit counters, which any request may move. */
async function contents() {
  await Promise.all([
    signing.services.analytics.scheduler.idle(),
    timed.services.analytics.scheduler.idle(),
  ]);
  const { rate_limits: _counters, ...tables } = await snapshotTables(ctx.admin);
  return tables;
}

const timeoutBody = {
  error: {
    code: 'DATABASE_TIMEOUT',
    message: 'the database took too long to answer; try again shortly',
    requestId: expect.any(String),
  },
};

describe('a statement cancelled by its timeout', () => {
  it('answers 503 DATABASE_TIMEOUT with Retry-After when a claim waits on a lock, and writes nothing', async () => {
    const { cookie } = await physician();
    const claim = {
      claimType: 'AHCIP',
      healthServiceCode: '03.03A',
      dateOfService: edmontonDateString(systemClock.now()),
      feeSubmitted: '85.50',
    };
    const before = await contents();

    const answer = await whileLocked('claims', () =>
      supertest(timed.app.server).post('/api/v1/claims').set('cookie', cookie).send(claim),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toEqual(timeoutBody);
    expect(await contents()).toEqual(before);
    // Nothing lasting: once the lock is gone, the same request on the same pool succeeds.
    const again = await supertest(timed.app.server)
      .post('/api/v1/claims')
      .set('cookie', cookie)
      .send(claim);
    expect(again.status).toBe(201);
  });

  it('answers a dashboard read held behind a lock the same way, and serves it once the lock is gone', async () => {
    const { cookie } = await physician();
    const dashboard = () =>
      supertest(timed.app.server)
        .get('/api/v1/analytics/dashboard?period=this_month')
        .set('cookie', cookie);

    const answer = await whileLocked('analytics_cache', dashboard);

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toEqual(timeoutBody);
    expect((await dashboard()).status).toBe(200);
    expect(tightPool?.waitingCount).toBe(0);
  });
});
