import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edmontonDateString, systemClock } from '@meritum/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../test/analytics-harness';
import { dashboardFromClaims, periodsFromDatabase } from '../test/dashboard-reference';
import { type HttpAnswer, type HttpSession, httpRequest } from '../test/http-session';
import { signUp } from '../test/sign-up';
import { type App, buildApp } from './app';
import { createAppPool, createDatabase } from './db/client';
import { type RunningPostgres, startEmbeddedPostgres } from './db/embedded';
import { API_LOGIN, ensureLoginRole, loginUrl } from './db/login-role';
import { runMigrations } from './db/migrate';
import { createServices, type Services } from './services';

// This file stops and starts a PostgreSQL of its own: the run's shared server stays up.
const DATA_DIR = join(
  tmpdir(),
  `meritum-outage-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
);
const DATABASE = 'meritum_outage';
/** What the issue asks: an answer within 2 s during the outage, service back within 5 s. */
const ANSWER_WITHIN_MS = 2_000;
const RESUME_WITHIN_MS = 5_000;
const WORKERS = 16;

interface Sample {
  startedAt: number;
  endedAt: number;
  route: string;
  /** 0 when no answer came within ANSWER_WITHIN_MS. */
  status: number;
  code?: string;
  failure?: string;
}

const env = {} as {
  server: RunningPostgres;
  pool: pg.Pool;
  admin: pg.Pool;
  services: Services;
  app: App;
  baseUrl: string;
  physicians: HttpSession[];
  /** A submitted claim per physician, for the transition probe. */
  claimIds: string[];
};
const samples: Sample[] = [];
const times = {} as Record<'stopAsked' | 'stopped' | 'startAsked' | 'started' | 'resumed', number>;
let loadRunning = false;
let load: Promise<void> | undefined;

const today = () => edmontonDateString(systemClock.now());
const newClaim = () => ({
  claimType: 'AHCIP',
  healthServiceCode: '03.03A',
  dateOfService: today(),
  feeSubmitted: '85.50',
});

/** One request of the load, recorded whatever its outcome. */
async function sample(route: string, call: () => Promise<HttpAnswer>): Promise<HttpAnswer | null> {
  const startedAt = Date.now();
  try {
    const answer = await call();
    samples.push({
      startedAt,
      endedAt: Date.now(),
      route,
      status: answer.status,
      ...(answer.code ? { code: answer.code } : {}),
    });
    return answer;
  } catch (error) {
    samples.push({ startedAt, endedAt: Date.now(), route, status: 0, failure: String(error) });
    return null;
  }
}

/** A physician's mix: dashboards, a claim billed and submitted, a refresh, a profile. */
async function worker(physician: HttpSession, index: number): Promise<void> {
  const timeoutMs = ANSWER_WITHIN_MS;
  for (let i = index; loadRunning; i++) {
    switch (i % 5) {
      case 0:
      case 1:
        await sample('dashboard', () =>
          physician.request('GET', '/api/v1/analytics/dashboard?period=this_month', { timeoutMs }),
        );
        break;
      case 2: {
        const created = await sample('create claim', () =>
          physician.request('POST', '/api/v1/claims', { body: newClaim(), timeoutMs }),
        );
        if (created?.status !== 201) break;
        const { id } = created.body as { id: string };
        await sample('transition', () =>
          physician.request('POST', `/api/v1/claims/${id}/transitions`, {
            body: { to: 'submitted' },
            timeoutMs,
          }),
        );
        break;
      }
      case 3:
        await sample('refresh', () =>
          physician.request('POST', '/api/v1/analytics/refresh', { timeoutMs }),
        );
        break;
      default:
        await sample('me', () => physician.request('GET', '/api/v1/auth/me', { timeoutMs }));
    }
    // Answers come fast while the database is down: pace the loop so it does not spin.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const startPostgres = (port?: number) =>
  startEmbeddedPostgres({ dataDir: DATA_DIR, persistent: true, fast: true, port });

beforeAll(async () => {
  env.server = await startPostgres();
  const maintenance = new pg.Client({ connectionString: env.server.url('postgres') });
  await maintenance.connect();
  await maintenance.query(`create database ${DATABASE}`);
  await maintenance.end();
  const url = env.server.url(DATABASE);
  await runMigrations(url);
  const login = { name: API_LOGIN, password: env.server.apiPassword };
  await ensureLoginRole(url, login);

  // The pool as the server builds it: its settings are under test.
  env.pool = createAppPool(loginUrl(url, login), { applicationName: 'meritum-outage' });
  env.admin = new pg.Pool({ connectionString: url, max: 2 });
  env.admin.on('error', () => {}); // its idle clients die with the server too
  const db = createDatabase(env.pool);
  env.services = createServices({
    db,
    pool: env.pool,
    clock: systemClock,
    logger: silentLogger,
    coalesceMs: 20,
  });
  env.app = await buildApp({
    db,
    services: env.services,
    options: {
      limits: {
        login: { max: 10_000, windowSeconds: 60 },
        refresh: { max: 100_000, windowSeconds: 60 },
      },
    },
  });
  env.baseUrl = await env.app.listen({ host: '127.0.0.1', port: 0 });
  env.physicians = [];
  env.claimIds = [];
  for (let i = 0; i < 4; i++) {
    const physician = await signUp(env.baseUrl);
    const created = await physician.request('POST', '/api/v1/claims', { body: newClaim() });
    const { id } = created.body as { id: string };
    const submitted = await physician.request('POST', `/api/v1/claims/${id}/transitions`, {
      body: { to: 'submitted' },
    });
    expect([created.status, submitted.status]).toEqual([201, 200]);
    env.physicians.push(physician);
    env.claimIds.push(id);
  }
}, 120_000);

afterAll(async () => {
  loadRunning = false;
  await load;
  try {
    await env.app?.close();
    await env.services?.close();
    // end() waits for every client: one leaked (a failure above) must not keep the server up.
    const ended = Promise.all([env.pool?.end(), env.admin?.end()]);
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  } finally {
    await env.server?.stop();
    await rm(DATA_DIR, { recursive: true, force: true });
    if (env.server) await rm(env.server.credentialsFile, { force: true });
  }
}, 60_000);

/** Every route a physician uses, once, each bounded by ANSWER_WITHIN_MS. */
async function probeEveryRoute(physician: HttpSession, claimId: string) {
  const timeoutMs = ANSWER_WITHIN_MS;
  const month = today().slice(0, 8);
  const calls: Array<[string, () => Promise<HttpAnswer>]> = [
    ['GET /ready', () => httpRequest(env.baseUrl, 'GET', '/ready', { timeoutMs })],
    ['GET /me', () => physician.request('GET', '/api/v1/auth/me', { timeoutMs })],
    [
      'POST /login',
      () =>
        httpRequest(env.baseUrl, 'POST', '/api/v1/auth/login', {
          body: { email: 'nobody@example.ca', password: 'correct horse battery staple' },
          timeoutMs,
        }),
    ],
    [
      'GET /dashboard',
      () =>
        physician.request('GET', '/api/v1/analytics/dashboard?period=this_month', { timeoutMs }),
    ],
    [
      'GET /metrics',
      () =>
        physician.request(
          'GET',
          `/api/v1/analytics/metrics?keys=claims_count&start=${month}01&end=${today()}`,
          { timeoutMs },
        ),
    ],
    [
      'GET /validation',
      () =>
        physician.request('GET', `/api/v1/analytics/validation?start=${month}01&end=${today()}`, {
          timeoutMs,
        }),
    ],
    ['POST /refresh', () => physician.request('POST', '/api/v1/analytics/refresh', { timeoutMs })],
    [
      'POST /claims',
      () => physician.request('POST', '/api/v1/claims', { body: newClaim(), timeoutMs }),
    ],
    ['GET /claims/:id', () => physician.request('GET', `/api/v1/claims/${claimId}`, { timeoutMs })],
    [
      'POST /claims/:id/transitions',
      () =>
        physician.request('POST', `/api/v1/claims/${claimId}/transitions`, {
          body: { to: 'paid' },
          timeoutMs,
        }),
    ],
  ];
  const answers: Record<string, { status: number; code?: string }> = {};
  for (const [route, call] of calls) {
    const { status, code } = await call();
    answers[route] = { status, ...(code ? { code } : {}) };
  }
  return answers;
}

describe('PostgreSQL stopped and started again under load', () => {
  it('serves the load while PostgreSQL runs', async () => {
    loadRunning = true;
    load = Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        worker(env.physicians[i % env.physicians.length] as HttpSession, i),
      ),
    ).then(() => undefined);
    // Until the load has been served a while: how fast depends on the machine, not on the code.
    const served = () => samples.filter((s) => s.status > 0 && s.status < 300).length;
    const until = Date.now() + 20_000;
    while (served() <= 50 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(served()).toBeGreaterThan(50);
    expect(samples.filter((s) => s.status === 0 || s.status >= 300)).toEqual([]);
  });

  it('answers /ready and every route with 503 DATABASE_UNAVAILABLE within 2 seconds once it stops, /health with 200', async () => {
    times.stopAsked = Date.now();
    await env.server.stop();
    times.stopped = Date.now();

    const answers = await probeEveryRoute(env.physicians[0] as HttpSession, env.claimIds[0] ?? '');
    for (const [route, answer] of Object.entries(answers)) {
      expect({ route, ...answer }).toEqual({ route, status: 503, code: 'DATABASE_UNAVAILABLE' });
    }
    const health = await httpRequest(env.baseUrl, 'GET', '/health', {
      timeoutMs: ANSWER_WITHIN_MS,
    });
    expect(health.status).toBe(200);
    const dashboard = await env.physicians[1]?.request(
      'GET',
      '/api/v1/analytics/dashboard?period=this_month',
      { timeoutMs: ANSWER_WITHIN_MS },
    );
    expect(dashboard?.body).toEqual({
      error: {
        code: 'DATABASE_UNAVAILABLE',
        message: 'the database is unavailable; try again shortly',
        requestId: expect.any(String),
      },
    });
    // The load goes on against the stopped database for a while.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  });

  it('resumes by itself within 5 seconds of PostgreSQL returning, on the same API process', async () => {
    times.startAsked = Date.now();
    env.server = await startPostgres(env.server.port);
    times.started = Date.now();

    const physician = env.physicians[0] as HttpSession;
    const deadline = times.started + RESUME_WITHIN_MS;
    let last: string[] = [];
    while (Date.now() < deadline) {
      const timeoutMs = Math.max(1, deadline - Date.now());
      const answers = await Promise.all([
        httpRequest(env.baseUrl, 'GET', '/ready', { timeoutMs }),
        physician.request('GET', '/api/v1/analytics/dashboard?period=this_month', { timeoutMs }),
        physician.request('POST', '/api/v1/claims', { body: newClaim(), timeoutMs }),
      ]).catch((error: unknown) => [{ status: 0, code: String(error) }]);
      last = answers.map((a) => `${a.status} ${a.code ?? ''}`.trim());
      if (last.join() === '200,200,201') {
        times.resumed = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(last, 'ready, dashboard and claim creation within 5 s').toEqual(['200', '200', '201']);
    // The load runs on against the restarted database.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    loadRunning = false;
    await load;
  });

  it('answered every request of the load within 2 seconds: 2xx while up, 503 while down, never a 500', () => {
    const late = samples.filter((s) => s.status === 0);
    expect(late).toEqual([]);
    const before = samples.filter((s) => s.endedAt < times.stopAsked);
    const down = samples.filter((s) => s.startedAt > times.stopped && s.endedAt < times.startAsked);
    const after = samples.filter((s) => s.startedAt > times.resumed);
    const outcome = (list: Sample[]) => [
      ...new Set(list.map((s) => `${s.status}${s.code ? ` ${s.code}` : ''}`)),
    ];
    const unexpected = (list: Sample[], allowed: RegExp) =>
      outcome(list).filter((o) => !allowed.test(o));
    expect(unexpected(before, /^20[01]$/)).toEqual([]);
    expect(outcome(down)).toEqual(['503 DATABASE_UNAVAILABLE']);
    expect(unexpected(after, /^20[01]$/)).toEqual([]);
    expect(unexpected(samples, /^(20[01]|503 DATABASE_UNAVAILABLE)$/)).toEqual([]);
    expect(down.length).toBeGreaterThan(50);
    expect(after.length).toBeGreaterThan(50);

    const first503 = Math.min(...samples.filter((s) => s.status === 503).map((s) => s.endedAt));
    console.info(
      JSON.stringify({
        requests: samples.length,
        before: before.length,
        whileDown: down.length,
        afterResuming: after.length,
        firstUnavailableAfterStopMs: first503 - times.stopAsked,
        slowestWhileDownMs: Math.max(...down.map((s) => s.endedAt - s.startedAt)),
        slowestOverallMs: Math.max(...samples.map((s) => s.endedAt - s.startedAt)),
        stopTookMs: times.stopped - times.stopAsked,
        startTookMs: times.started - times.startAsked,
        resumedAfterStartMs: times.resumed - times.started,
      }),
    );
  });

  it('holds no connection afterwards, and every dashboard catches up with the claims', async () => {
    await env.services.analytics.scheduler.idle();
    expect({
      total: env.pool.totalCount,
      idle: env.pool.idleCount,
      waiting: env.pool.waitingCount,
    }).toEqual({ total: env.pool.idleCount, idle: env.pool.idleCount, waiting: 0 });

    const { this_month } = await periodsFromDatabase(env.admin);
    for (const physician of env.physicians) {
      expect((await physician.request('POST', '/api/v1/analytics/refresh')).status).toBe(200);
      const dashboard = await physician.request(
        'GET',
        '/api/v1/analytics/dashboard?period=this_month',
      );
      expect(dashboard.status).toBe(200);
      expect((dashboard.body as { metrics: unknown }).metrics).toEqual(
        await dashboardFromClaims(env.admin, physician.providerId, this_month),
      );
    }
  });
});
