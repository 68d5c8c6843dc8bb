import { Writable } from 'node:stream';
import { systemClock } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import supertest, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/db';
import { signUp } from '../test/sign-up';
import { type App, buildApp } from './app';
import { createAppPool, createDatabase } from './db/client';
import { createLogger } from './lib/logger';
import { SESSION_COOKIE } from './plugins/sessions';
import { createServices, type Services } from './services';

// Tokens stored only as a hash, a new token on each login, logout and expiry ending a session:
// src/domains/auth/routes/auth.routes.test.ts. This file: what error bodies and logs let out.
const ctx = useTestDatabase({ own: 'secrets' });

/** Every line the app logs, at trace level, through the process's own logger. */
const logLines: string[] = [];
const logger = createLogger(
  'trace',
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

const env = {} as {
  services: Services;
  app: App;
  /** The same app on a database nobody listens for. */
  unreachable: App;
  unreachablePool: ReturnType<typeof createAppPool>;
};
// Inserting a user with this email fails in the database, as an unforeseen failure would.
const FAILING_EMAIL = 'fails.on.insert@example.ca';
const FORCED_500_CLAIM = '00000000-0000-4000-8000-000000000500';

beforeAll(async () => {
  await ctx.admin.query(`
    create function refuse_test_user() returns trigger language plpgsql as $$
    begin
      if new.email = '${FAILING_EMAIL}' then raise exception 'sign-up refused by a test trigger'; end if;
      return new;
    end $$;
    create trigger refuse_test_user before insert on users
      for each row execute function refuse_test_user();`);
  env.services = createServices({
    db: ctx.db,
    pool: ctx.pool,
    clock: systemClock,
    logger,
    coalesceMs: 20,
  });
  const claims = {
    ...env.services.claims,
    // A bug in a service: a statement that fails, holding the provider and the claim id.
    async get(providerId: string, id: string) {
      if (id !== FORCED_500_CLAIM) return env.services.claims.get(providerId, id);
      await ctx.db.execute(
        sql`select state from claim_archive where provider_id = ${providerId} and id = ${id}`,
      );
      throw new Error('unreachable');
    },
  };
  const options = { logger, limits: { login: { max: 10_000, windowSeconds: 60 } } };
  env.app = await buildApp({
    db: ctx.db,
    services: { ...env.services, claims },
    options,
  });
  await env.app.ready();
  // Nothing listens on port 1: every connection is refused.
  env.unreachablePool = createAppPool('postgres://meritum@127.0.0.1:1/meritum', { max: 1 });
  const db = createDatabase(env.unreachablePool);
  env.unreachable = await buildApp({
    db,
    services: createServices({
      db,
      pool: env.unreachablePool,
      clock: systemClock,
      logger,
      coalesceMs: 20,
    }),
    options,
  });
  await env.unreachable.ready();
});

afterAll(async () => {
  await env.services?.close();
  await env.app?.close();
  await env.unreachable?.close();
  await env.unreachablePool?.end();
});

const http = (app: App) => supertest(app.server);
/** Sign-ups go to the app whose log is captured. */
const signing = { http: () => supertest.agent(env.app.server) };

function tokenOf(response: Response): string {
  const header = response.headers['set-cookie'] as string[] | string | undefined;
  const line = [header ?? []].flat().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!line) throw new Error(`no session cookie: ${response.status} ${response.text}`);
  return decodeURIComponent((line.split(';')[0] as string).slice(SESSION_COOKIE.length + 1));
}

const credentials = (label: string) => ({
  email: `dr.${label}.${process.pid}.${Date.now()}@example.ca`,
  password: `${label} correct horse battery staple ${Date.now()}`,
  name: `Dr. ${label}`,
  billingNumber: `SEC-${label}-${Date.now() % 1_000_000}`,
});

/** The one error shape, and nothing of a stack, a statement, a driver or a host in it. */
function expectBareError(response: Response, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toEqual({
    error: { code, message: expect.any(String), requestId: response.headers['x-request-id'] },
  });
  expect(response.text).not.toMatch(
    /\bat .+:\d+:\d+|\.ts\b|\.js\b|node_modules|stack|select |insert |claim_archive|users|params|DrizzleQueryError|ECONNREFUSED|127\.0\.0\.1|refused by a test trigger|P0001/i,
  );
}

describe('error bodies', () => {
  it('answers a service failing in SQL with a bare 500: no statement, parameters or stack', async () => {
    const { agent } = await signUp(signing, credentials('bare500'));
    const response = await agent.get(`/api/v1/claims/${FORCED_500_CLAIM}`);
    expectBareError(response, 500, 'INTERNAL');
  });

  it('answers a sign-up whose insert fails in the database with a bare 500', async () => {
    const response = await http(env.app)
      .post('/api/v1/auth/signup')
      .send({ ...credentials('insert500'), email: FAILING_EMAIL });
    expectBareError(response, 500, 'INTERNAL');
  });

  it('answers with a bare 503 when the database is out of reach', async () => {
    const response = await http(env.unreachable)
      .post('/api/v1/auth/login')
      .send({ email: 'someone@example.ca', password: 'correct horse battery staple' });
    expectBareError(response, 503, 'DATABASE_UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('5');
  });
});

describe('logs', () => {
  it('never hold a password, its hash, a session token, its secret or a cookie, even at trace level', async () => {
    logLines.length = 0;
    const mine = credentials('logged');
    const { token: signupToken } = await signUp(signing, mine);
    const cookie = (token: string) => `${SESSION_COOKIE}=${token}`;
    const app = http(env.app);

    // A wrong password, then the right one: a new session.
    const wrongPassword = `${mine.password} but wrong`;
    // Name and billing number are not login fields: a 400, the password in its body.
    expect((await app.post('/api/v1/auth/login').send(mine)).status).toBe(400);
    const failed = await app
      .post('/api/v1/auth/login')
      .send({ email: mine.email, password: wrongPassword });
    expect(failed.status).toBe(401);
    const login = await app
      .post('/api/v1/auth/login')
      .send({ email: mine.email, password: mine.password });
    expect(login.status).toBe(200);
    const token = tokenOf(login);

    // Authenticated requests, by cookie, with the token in other headers too.
    const claim = await app
      .post('/api/v1/claims')
      .set('cookie', cookie(token))
      .set('authorization', `Bearer ${token}`)
      .send({
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: '2026-01-15',
        feeSubmitted: '85.50',
      });
    expect(claim.status, claim.text).toBe(201);
    for (const [method, url] of [
      ['get', '/api/v1/auth/me'],
      ['get', '/api/v1/analytics/dashboard?period=this_month'],
      ['get', `/api/v1/claims/${claim.body.id}`],
      ['post', '/api/v1/analytics/refresh'],
    ] as const) {
      const response = await app[method](url).set('cookie', cookie(token));
      expect(response.status, `${url}: ${response.text}`).toBe(200);
    }

    // Failures: a 500 in a service, a 500 in a sign-up (whose password hash is a parameter of
    // the failed statement), a 503, and a forged token.
    const failing = { ...credentials('failing'), email: FAILING_EMAIL };
    expect((await app.post('/api/v1/auth/signup').send(failing)).status).toBe(500);
    const forced = await app.get(`/api/v1/claims/${FORCED_500_CLAIM}`).set('cookie', cookie(token));
    expect(forced.status).toBe(500);
    const unreachable = await http(env.unreachable)
      .get('/api/v1/auth/me')
      .set('cookie', cookie(token));
    expect(unreachable.status).toBe(503);
    const forged = `${token.split('.')[0]}.${'a'.repeat(32)}`;
    expect((await app.get('/api/v1/auth/me').set('cookie', cookie(forged))).status).toBe(401);

    // Logout ends the session; the old cookie is refused.
    expect((await app.post('/api/v1/auth/logout').set('cookie', cookie(token))).status).toBe(204);
    expect((await app.get('/api/v1/auth/me').set('cookie', cookie(token))).status).toBe(401);

    const logs = logLines.join('');
    // The log did record all that: requests, the failures and their statements.
    expect(logs).toContain('"msg":"incoming request"');
    expect(logs).toContain('claim_archive');
    expect(logs).toContain('refused by a test trigger');
    expect(logs).toContain('"msg":"database unavailable"');

    const { rows } = await ctx.admin.query<{ password_hash: string }>(
      'select password_hash from users where email = $1',
      [mine.email],
    );
    const secrets = {
      password: mine.password,
      wrongPassword,
      failingPassword: failing.password,
      passwordHash: rows[0]?.password_hash ?? 'missing',
      anyArgon2Hash: '$argon2id$',
      signupToken,
      signupSecret: signupToken.split('.')[1] ?? 'missing',
      token,
      secret: token.split('.')[1] ?? 'missing',
      cookie: cookie(token),
    };
    const found = Object.entries(secrets)
      .filter(([, secret]) => logs.includes(secret))
      .map(([name]) => name);
    expect(found).toEqual([]);
  });
});
