import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addMonths,
  CLAIM_TYPES,
  DEFAULT_PERIOD,
  edmontonDate,
  edmontonDateString,
  firstOfMonth,
  lastOfMonth,
  PERIOD_OPTIONS,
  parseDate,
  resolvePeriod,
  STORED_METRIC_KEYS,
} from '@meritum/shared';
import type pg from 'pg';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSettled, silentLogger } from '../test/analytics-harness';
import { useTestDatabase } from '../test/db';
import { months } from '../test/factories';
import { scopedRepo } from '../test/scoped';
import {
  classify,
  DISTRIBUTED_TABLES,
  KEYED_TABLES,
  REFERENCE_TABLES,
  type Routing,
  SCHEMA_FUNCTIONS,
} from '../test/shard-routing';
import { signUp } from '../test/sign-up';
import { type CapturedStatement, captureStatements } from '../test/statement-capture';
import { type App, buildApp } from './app';
import { createAppPool, createDatabase, type Database, JOBS_ROLE } from './db/client';
import { seedDemoData } from './demo/demo-data';
import { runNightlyRefresh } from './domains/analytics/jobs/nightly-refresh.job';
import { MetricsCalculator } from './domains/analytics/metrics/metrics-calculator';
import { AnalyticsCacheRepo } from './domains/analytics/repos/analytics-cache.repo';
import { DashboardRepo } from './domains/analytics/repos/dashboard.repo';
import { DashboardFiguresRepo } from './domains/analytics/repos/dashboard-figures.repo';
import { FreshnessRepo } from './domains/analytics/repos/freshness.repo';
import { StatementRepo } from './domains/analytics/repos/statement.repo';
import { StatementExportRepo } from './domains/analytics/repos/statement-export.repo';
import { AuthLookups, AuthRepo } from './domains/auth/repos/auth.repo';
import { ClaimsRepo } from './domains/claims/repos/claims.repo';
import { createServices, type Services } from './services';

/**
 * Keeps the Citus plan true (docs/scaling.md): every statement the application sends that
 * touches provider data names one provider_id, so it would route to one shard. A workload of
 * the real routes, services, repositories and nightly job runs on pools that record each
 * statement as sent; each is then classified by PostgreSQL's parser (test/shard-routing.ts).
 */

/**
 * The statements allowed to reach every shard, and why. A statement outside this list that
 * needs several shards fails the test; so does an exception this workload no longer sends.
 */
const NAMED_EXCEPTIONS: Record<string, { pool: 'app' | 'jobs'; why: string }> = {
  analytics_refresh_candidates: {
    pool: 'jobs',
    why: "the nightly job's cross-provider listing: the one exception of the plan, by purpose",
  },
  auth_user_by_email: {
    pool: 'app',
    why: 'login knows only an email; users is distributed by provider_id, so the lookup asks every shard (one per login)',
  },
  auth_session_by_id: {
    pool: 'app',
    why: 'each authenticated request knows only its session id; sessions is distributed by provider_id, so the lookup asks every shard (one per request)',
  },
};

/** What marks a module that builds or sends SQL. */
const SENDS_SQL = /from 'drizzle-orm|\.(transaction|execute|query)\(/;

/**
 * Every module that builds or sends SQL, and how this test sees its statements. A new one fails
 * the test until it is added here (and, if the application runs it, to the workload).
 */
const SQL_MODULES: Record<string, string> = {
  'db/client.ts': 'the pools and the Database type: sends nothing itself',
  'db/distribute.ts': 'distributes the tables as the owner, once, before the application',
  'db/embedded.ts': 'sets the embedded superuser’s password at start, before the application',
  'db/login-role.ts': 'makes the application login as the owner, before the application',
  'db/migrate.ts': 'migrations run as the owner, once, before the application: not routed',
  'db/provision.ts': 'creates the database as the owner, before the application: not routed',
  'db/prepared.ts': 'sends the per-request statements a repository builds, as prepared ones',
  'db/provider-scope.ts': 'the transaction and SET LOCAL of every scoped statement',
  'demo/demo-data.ts': 'seeded first by the workload, on the empty database',
  'demo/synthetic-claims.ts': 'the demo claims, inserted by the seeding',
  'domains/analytics/jobs/nightly-refresh.job.ts': 'the nightly job, run last by the workload',
  'domains/analytics/metrics/metrics-calculator.ts': 'every refresh and validation',
  'domains/analytics/repos/analytics-cache.repo.ts': 'routes, refreshes, and direct calls',
  'domains/analytics/repos/dashboard.repo.ts': 'the dashboard route',
  'domains/analytics/repos/dashboard-figures.repo.ts': 'the dashboard route, and refreshes',
  'domains/analytics/repos/freshness.repo.ts': 'refreshes (their advisory lock), the dashboard',
  'domains/analytics/repos/statement.repo.ts': 'the statements routes',
  'domains/analytics/repos/statement-export.repo.ts': 'exports, and their history',
  'domains/auth/repos/auth.repo.ts': 'sign-up, login, sessions, logout, expiry',
  'domains/claims/repos/claims.repo.ts': 'the claims routes, and a direct delete',
  'routes/health.routes.ts': '/ready: select 1',
};

/**
 * Classes holding the application's SQL, with their modules: the workload must call every
 * method of each. A method's statements are named `module#Class.method`.
 */
const SQL_CLASSES: ReadonlyArray<readonly [string, { name: string; prototype: object }]> = [
  ['domains/analytics/repos/analytics-cache.repo.ts', AnalyticsCacheRepo],
  ['domains/analytics/repos/dashboard.repo.ts', DashboardRepo],
  ['domains/analytics/repos/dashboard-figures.repo.ts', DashboardFiguresRepo],
  ['domains/analytics/repos/freshness.repo.ts', FreshnessRepo],
  ['domains/analytics/repos/statement.repo.ts', StatementRepo],
  ['domains/analytics/repos/statement-export.repo.ts', StatementExportRepo],
  ['domains/auth/repos/auth.repo.ts', AuthLookups],
  ['domains/auth/repos/auth.repo.ts', AuthRepo],
  ['domains/claims/repos/claims.repo.ts', ClaimsRepo],
  ['domains/analytics/metrics/metrics-calculator.ts', MetricsCalculator],
];
const methodKey = (file: string, cls: { name: string }, method: string) =>
  `${file}#${cls.name}.${method}`;

// The workload spans providers (the nightly job, demo seeding): a database of its own.
const ctx = useTestDatabase({ own: 'single_shard' });

const statements: CapturedStatement[] = [];
/** The SQL class method running, for each statement's origin (innermost when nested). */
const running = new AsyncLocalStorage<string>();
const calls = new Map<string, number>();
const restore: Array<() => void> = [];
let now = new Date();
const clock = { now: () => now };
let pools: pg.Pool[] = [];
let db: Database;
let jobsDb: Database;
let services: Services;
let app: App;

beforeAll(async () => {
  // Counts each method's calls and names it as the origin of the statements it sends.
  for (const [file, cls] of SQL_CLASSES) {
    const prototype = cls.prototype as unknown as Record<string, unknown>;
    for (const method of methodsOf(cls)) {
      const key = methodKey(file, cls, method);
      const original = prototype[method] as (...args: unknown[]) => unknown;
      prototype[method] = function (this: unknown, ...args: unknown[]) {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return running.run(key, () => original.apply(this, args));
      };
      restore.push(() => {
        prototype[method] = original;
      });
    }
  }
  const pool = createAppPool(ctx.url, { max: 4, applicationName: 'meritum-test-shards' });
  const jobsPool = createAppPool(ctx.url, {
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-test-shards-jobs',
  });
  const origin = () => running.getStore() ?? 'a service, job or route outside those classes';
  captureStatements(pool, 'app', statements, origin);
  captureStatements(jobsPool, 'jobs', statements, origin);
  pools = [pool, jobsPool];
  db = createDatabase(pool);
  jobsDb = createDatabase(jobsPool);
  services = createServices({ db, pool, clock, logger: silentLogger, coalesceMs: 10 });
  app = await buildApp({
    db,
    services,
    options: {
      limits: {
        login: { max: 10_000, windowSeconds: 60 },
        refresh: { max: 10_000, windowSeconds: 60 },
      },
    },
  });
  await app.ready();
  await runWorkload();
}, 180_000);

afterAll(async () => {
  for (const undo of restore.splice(0)) undo();
  await services?.close();
  await app?.close();
  for (const pool of pools) await pool.end();
});

function methodsOf(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter(
    (name) =>
      name !== 'constructor' &&
      typeof Object.getOwnPropertyDescriptor(cls.prototype, name)?.value === 'function',
  );
}

const http = () => supertest.agent(app.server);
type Agent = ReturnType<typeof http>;

async function expectStatus(request: Promise<supertest.Response>, status: number) {
  const response = await request;
  expect(response.status, `${response.status} ${response.text}`).toBe(status);
  return response;
}

const claim = (claimType: 'AHCIP' | 'WCB', dateOfService: string, feeSubmitted = '85.00') => ({
  claimType,
  healthServiceCode: claimType === 'AHCIP' ? '03.03A' : 'C568',
  dateOfService,
  feeSubmitted,
});

/** Everything the application does with the database, through its real entry points. */
async function runWorkload() {
  // Demo seeding first, while the database has no provider: start-up on an empty database.
  expect(
    await seedDemoData({
      db,
      jobsDb,
      refresher: services.analytics.refresher,
      clock,
      logger: silentLogger,
    }),
  ).toBe(true);

  const a = await signUp({ http });
  const b = await signUp({ http });
  await physicianDay(a.agent, b.agent);
  await analyticsOf(a.agent);
  await statementsOf(a.agent, b.agent);
  // Last of a's requests: the password change and sign-out everywhere end a's sessions.
  await sessionsEnd(a.credentials);
  await repositoriesDirectly(a.providerId);
  await services.analytics.scheduler.idle();

  // The nightly job over every provider, a page of two at a time.
  const report = await runNightlyRefresh({
    jobsDb,
    refresher: services.analytics.refresher,
    clock,
    logger: silentLogger,
    pageSize: 2,
    concurrency: 2,
  });
  expect(report).toMatchObject({ status: 'completed', failed: 0 });
  // Nothing left running behind the workload (the stale dashboard's background refresh).
  for (const { providerId } of [a, b]) await refreshSettled(services.analytics, providerId);
}

/** Claims of both types, every transition, a refused one, and another physician's 404s. */
async function physicianDay(agent: Agent, other: Agent) {
  const today = edmontonDateString(now);
  const lastMonth = monthsAgo(1);
  const ids: string[] = [];
  for (const body of [
    claim('AHCIP', today),
    claim('WCB', lastMonth, '120.50'),
    claim('AHCIP', lastMonth, '42.10'),
  ]) {
    ids.push((await expectStatus(agent.post('/api/v1/claims').send(body), 201)).body.id);
  }
  const [paid, adjusted, rejected] = ids as [string, string, string];
  const move = (id: string, body: object, status = 200) =>
    expectStatus(agent.post(`/api/v1/claims/${id}/transitions`).send(body), status);
  await move(paid, { to: 'paid' }, 409); // a draft is not paid
  for (const id of ids) await move(id, { to: 'submitted' });
  await move(paid, { to: 'paid' });
  await move(adjusted, { to: 'adjusted', feeAssessed: '100.00', explanatoryCodes: ['21'] });
  await move(rejected, { to: 'rejected', explanatoryCodes: ['05'] });
  await move(rejected, { to: 'submitted' });
  await move(rejected, { to: 'rejected', explanatoryCodes: ['05'] });
  await move(rejected, { to: 'written_off' });
  await expectStatus(agent.get(`/api/v1/claims/${paid}`), 200);
  await expectStatus(other.get(`/api/v1/claims/${paid}`), 404);
  // The claims behind figures: every filter, a second page, and another physician's list.
  const listed = await expectStatus(
    agent.get(
      `/api/v1/claims?serviceFrom=${lastMonth}&serviceTo=${today}&paidFrom=${lastMonth}` +
        `&paidTo=${today}&claimType=AHCIP&state=paid&state=adjusted&healthServiceCode=03.03A` +
        '&explanatoryCode=21&limit=1',
    ),
    200,
  );
  await expectStatus(agent.get('/api/v1/claims?outstanding=0-30&explanatoryCode=none'), 200);
  const first = await expectStatus(agent.get('/api/v1/claims?limit=1'), 200);
  await expectStatus(agent.get(`/api/v1/claims?limit=1&cursor=${first.body.nextCursor}`), 200);
  expect(listed.body.totals).toBeDefined();
  await expectStatus(other.get('/api/v1/claims?outstanding=90%2B'), 200);
  await expectStatus(other.post(`/api/v1/claims/${paid}/transitions`).send({ to: 'paid' }), 404);
  await expectStatus(agent.get('/api/v1/auth/me'), 200);
  await expectStatus(agent.get('/ready'), 200);
}

/**
 * Logout, login, activity, a password change ending another session, sign out everywhere, and
 * sessions ending idle and at their absolute lifetime.
 */
async function sessionsEnd(credentials: { email: string; password: string }) {
  const agent = http();
  const other = http();
  const login = { email: credentials.email, password: credentials.password };
  await expectStatus(agent.post('/api/v1/auth/login').send(login), 200);
  await expectStatus(agent.post('/api/v1/auth/logout'), 204);
  await expectStatus(agent.get('/api/v1/auth/me'), 401);
  await expectStatus(
    agent.post('/api/v1/auth/login').send({ ...login, password: 'not the password at all' }),
    401,
  );
  await expectStatus(agent.post('/api/v1/auth/login').send(login), 200);
  await expectStatus(other.post('/api/v1/auth/login').send(login), 200);
  const started = now;
  const change = (from: string, to: string) =>
    agent.post('/api/v1/auth/password').send({ currentPassword: from, newPassword: to });
  try {
    now = new Date(started.getTime() + 5 * 60_000);
    await expectStatus(agent.get('/api/v1/auth/me'), 200); // activity, recorded
    await expectStatus(change(login.password, 'a changed passphrase'), 204);
    await expectStatus(other.get('/api/v1/auth/me'), 401); // ended by the change
    await expectStatus(change('a changed passphrase', login.password), 204);
    await expectStatus(agent.post('/api/v1/auth/sign-out-everywhere'), 204);
    await expectStatus(agent.get('/api/v1/auth/me'), 401);
    await expectStatus(agent.post('/api/v1/auth/login').send(login), 200);
    now = new Date(now.getTime() + 31 * 60_000);
    await expectStatus(agent.get('/api/v1/auth/me'), 401); // idle, and deleted
    await expectStatus(agent.post('/api/v1/auth/login').send(login), 200);
    now = new Date(now.getTime() + 13 * 3_600_000);
    await expectStatus(agent.get('/api/v1/auth/me'), 401); // past its lifetime, and deleted
  } finally {
    now = started;
  }
}

/** The dashboard for every period and claim type (cold, fresh, stale), metrics, refresh, validation. */
async function analyticsOf(agent: Agent) {
  const today = edmontonDateString(now);
  const custom = [
    { start: monthsAgo(5), end: today },
    // Reaches before the 24-month window: those months are computed on demand, then stored.
    { start: monthsAgo(27), end: monthsAgo(20) },
  ];
  for (const claimType of [undefined, ...CLAIM_TYPES]) {
    for (const period of PERIOD_OPTIONS) {
      const ranges = period === 'custom' ? custom : [{}];
      for (const range of ranges) {
        await expectStatus(
          agent.get('/api/v1/analytics/dashboard').query({ period, claimType, ...range }),
          200,
        );
      }
    }
  }
  const keys = STORED_METRIC_KEYS.join(',');
  const range = { start: monthsAgo(3), end: today };
  await expectStatus(agent.get('/api/v1/analytics/metrics').query({ keys, ...range }), 200);
  await expectStatus(
    agent
      .get('/api/v1/analytics/metrics')
      .query({ keys, ...range, dimensions: JSON.stringify({ claim_type: 'WCB' }) }),
    200,
  );
  await expectStatus(agent.post('/api/v1/analytics/refresh'), 200);
  const validation = await expectStatus(
    agent.get('/api/v1/analytics/validation').query(range),
    200,
  );
  expect(validation.body.consistent).toBe(true);
  // A claim change, then the dashboard at once: stale, served, refreshed behind.
  await expectStatus(agent.post('/api/v1/claims').send(claim('WCB', today)), 201);
  await expectStatus(agent.get('/api/v1/analytics/dashboard').query({ period: 'this_month' }), 200);
}

/** A statement's life: created, read, listed, exported, changed, refused, re-run, deleted. */
async function statementsOf(agent: Agent, other: Agent) {
  const base = '/api/v1/analytics/statements';
  const ids: string[] = [];
  for (const body of [
    { period: 'year_to_date' },
    { period: 'last_12_months', claimType: 'WCB' },
    // Reaches before the 24-month window: its months missing from the cache are computed for it.
    { period: 'custom', start: monthsAgo(27), end: monthsAgo(20), claimType: 'AHCIP' },
  ]) {
    ids.push((await expectStatus(agent.post(base).send(body), 201)).body.id);
  }
  const [id] = ids as [string];
  await expectStatus(agent.get(base).query({ period: 'year_to_date' }), 200);
  await expectStatus(agent.get(base), 200);
  await expectStatus(agent.get(`${base}/${id}`), 200);
  for (const format of ['csv', 'pdf']) {
    await expectStatus(agent.get(`${base}/${id}/export`).query({ format }), 200);
  }
  await expectStatus(agent.get(`${base}/${id}/exports`), 200);
  await expectStatus(other.get(`${base}/${id}`), 404);
  await expectStatus(other.get(`${base}/${id}/export`).query({ format: 'csv' }), 404);
  await expectStatus(
    agent.post('/api/v1/claims').send(claim('AHCIP', edmontonDateString(now))),
    201,
  );
  const changed = await expectStatus(
    agent.post('/api/v1/claims').send(claim('WCB', monthsAgo(0))),
    201,
  );
  await expectStatus(
    agent.post(`/api/v1/claims/${changed.body.id}/transitions`).send({ to: 'submitted' }),
    200,
  );
  await expectStatus(agent.get(`${base}/${id}/export`).query({ format: 'csv' }), 409);
  await expectStatus(agent.post(base).send({ period: 'year_to_date' }), 201);
  await expectStatus(agent.delete(`${base}/${id}`), 204);
  await expectStatus(agent.get(`${base}/${id}/exports`), 200);
}

/** What no route reaches: a hand-written cache row, a claim deleted, a validation that finds it. */
async function repositoriesDirectly(providerId: string) {
  const cache = scopedRepo(db, providerId, (tx) => new AnalyticsCacheRepo(tx));
  const month = monthsAgo(2);
  const end = lastDayOf(month);
  const row = { metricKey: 'claims_count' as const, periodStart: month, periodEnd: end };
  expect(
    await cache.bulkUpsert([{ ...row, dimensions: {}, value: '7', sourceVersion: '1000000' }]),
  ).toBe(1);
  // From an older version: kept as stored. (Not judged by the count: Citus, pulling the rows
  // through the coordinator, reports the rows it sent, kept ones included.)
  await cache.bulkUpsert([{ ...row, dimensions: {}, value: '3', sourceVersion: '1' }]);
  const stored = await cache.getMetrics(['claims_count'], month, end);
  const kept = stored.find((entry) => Object.keys(entry.dimensions).length === 0);
  expect(kept).toMatchObject({ value: '7', sourceVersion: '1000000' });
  // More than 10,000 rows: staged with COPY into a temporary table, then one upsert from it.
  const past = months('1900-01', 101);
  const many = past.flatMap((period) =>
    Array.from({ length: 100 }, (_, code) => ({
      ...period,
      metricKey: 'claims_count' as const,
      dimensions: { code },
      value: '1',
      sourceVersion: '1',
    })),
  );
  expect(await cache.bulkUpsert(many)).toBe(10_100);
  expect(await cache.getMetrics(['claims_count'], '1900-01-01', '1908-05-31')).toHaveLength(10_100);
  expect(
    await cache.deleteSuperseded(
      past.map((period) => period.periodStart),
      '2',
    ),
  ).toBe(10_100);
  // A read of kept figures on a later day notes it; here without waiting for the day to pass.
  const opening = resolvePeriod(DEFAULT_PERIOD, clock);
  await scopedRepo(db, providerId, (tx) => new DashboardFiguresRepo(tx)).noteRead(
    { ...opening, claimType: 'all' },
    '2999-12-31',
  );
  const created = await services.claims.create(providerId, claim('AHCIP', month));
  await services.claims.remove(providerId, created.id);
  // The hand-written cache row above differs from the claims: found, whichever way it routes.
  const validation = await services.validation.validate(providerId, month, end);
  expect(validation.consistent).toBe(false);
}

/** The first day of the Edmonton month `n` months before the clock's. */
function monthsAgo(n: number): string {
  const today = edmontonDate(now);
  const { year, month } = addMonths(today.year, today.month, -n);
  return firstOfMonth(year, month);
}

function lastDayOf(firstDay: string): string {
  const { year, month } = parseDate(firstDay);
  return lastOfMonth(year, month);
}

interface Classified extends CapturedStatement {
  routing: Routing;
}

async function classified(): Promise<Classified[]> {
  return Promise.all(
    statements.map(async (s) => ({ ...s, routing: await classify(s.text, s.values) })),
  );
}

const describeStatement = (s: Classified) =>
  `[${s.pool}] ${s.text.replace(/\s+/g, ' ').trim().slice(0, 240)}\n    from ${s.origin}\n    ${
    s.routing.kind === 'multi-shard' ? s.routing.reason : s.routing.kind
  }`;

describe('the Citus plan: one provider, one shard', () => {
  it('sends every statement that touches provider data to a single provider, the named exceptions aside', async () => {
    const all = await classified();
    expect(all.length).toBeGreaterThan(500);

    const multi = all.filter((s) => s.routing.kind === 'multi-shard');
    expect(multi.map(describeStatement), 'statements that would need several shards').toEqual([]);

    const single = all.filter((s) => s.routing.kind === 'single-shard');
    const touched = new Set(
      single.flatMap((s) => (s.routing.kind === 'single-shard' ? s.routing.tables : [])),
    );
    // The workload reached every distributed table through single-shard statements.
    expect([...touched].filter((t) => DISTRIBUTED_TABLES.has(t)).sort()).toEqual(
      [...DISTRIBUTED_TABLES].sort(),
    );
  });

  it('reaches every shard only through the named exceptions, each from its own pool', async () => {
    const all = await classified();
    const exceptions = new Map<string, Set<string>>();
    for (const s of all) {
      if (s.routing.kind !== 'all-shards-function') continue;
      const pools = exceptions.get(s.routing.function) ?? new Set<string>();
      pools.add(s.pool);
      exceptions.set(s.routing.function, pools);
    }
    expect([...exceptions.keys()].sort()).toEqual(Object.keys(NAMED_EXCEPTIONS).sort());
    for (const [name, { pool, why }] of Object.entries(NAMED_EXCEPTIONS)) {
      expect([...(exceptions.get(name) ?? [])], `${name}: ${why}`).toEqual([pool]);
    }
  });

  it('writes the reference table only when a physician signs up', async () => {
    const writes = (await classified()).filter(
      (s) => s.routing.kind === 'reference' && s.routing.write,
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) expect(s.text).toMatch(/^insert into "providers" /);
  });

  it('pins each statement to the provider whose scope it runs in, which row-level security allows', async () => {
    // withProviderScope opens each transaction and sets app.provider_id (SET LOCAL) in one simple
    // query, `begin ...; set local app.provider_id = '<uuid>'`; the setting holds until its end.
    const scopes = new Map<number, string | undefined>();
    const outside: string[] = [];
    const all = await classified();
    let opened = 0;
    for (const s of all) {
      const scope = /^(?:begin[^;]*;\s*)?set local app\.provider_id = '([0-9a-f-]{36})'$/i.exec(
        s.text,
      );
      if (scope) {
        opened += 1;
        scopes.set(s.connection, String(scope[1]).toLowerCase());
      } else if (/^(commit|rollback)$/.test(s.text)) {
        scopes.delete(s.connection);
      } else if (s.routing.kind === 'single-shard') {
        if (scopes.get(s.connection) !== s.routing.providerId) outside.push(describeStatement(s));
      }
    }
    expect(outside).toEqual([]);
    expect(opened).toBeGreaterThan(100);
  });

  it('calls every method of every class that holds SQL, so no query escapes the workload', () => {
    const source = fileURLToPath(new URL('.', import.meta.url));
    const sending = readdirSync(source, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => SENDS_SQL.test(readFileSync(join(source, file), 'utf8')))
      .sort();
    expect(sending).toEqual(Object.keys(SQL_MODULES).sort());
    const uncalled = SQL_CLASSES.flatMap(([file, cls]) =>
      methodsOf(cls)
        .map((method) => methodKey(file, cls, method))
        .filter((key) => !calls.has(key)),
    );
    expect(uncalled).toEqual([]);
  });

  it('knows every function, trigger and table the application roles can reach', async () => {
    const { rows: functions } = await ctx.admin.query<{ name: string }>(
      `select p.proname as name from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
        order by 1`,
    );
    expect(functions.map((f) => f.name)).toEqual(Object.keys(SCHEMA_FUNCTIONS).sort());

    // Trigger statements run server-side on the row's shard, with the row's own provider id.
    const { rows: triggers } = await ctx.admin.query<{ trigger: string }>(
      `select tgrelid::regclass::text || '.' || tgname || ' -> ' || tgfoid::regproc::text as trigger
         from pg_trigger
        where not tgisinternal
          and tgrelid in (select oid from pg_class where relnamespace = 'public'::regnamespace)
        order by 1`,
    );
    expect(triggers.map((t) => t.trigger)).toEqual([
      'claims.claims_changed_on_delete -> analytics_claims_changed',
      'claims.claims_changed_on_insert -> analytics_claims_changed',
      'claims.claims_changed_on_update -> analytics_claims_changed',
      'claims.claims_history_on_insert -> claims_record_events',
      'claims.claims_history_on_update -> claims_record_events',
    ]);

    const { rows: tables } = await ctx.admin.query<{ name: string }>(
      `select c.relname as name from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
          and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
          and (has_table_privilege('meritum_app', c.oid, 'select')
               or has_table_privilege('meritum_jobs', c.oid, 'select'))
        order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      [...DISTRIBUTED_TABLES, ...REFERENCE_TABLES, ...KEYED_TABLES.keys()].sort(),
    );
  });
});
