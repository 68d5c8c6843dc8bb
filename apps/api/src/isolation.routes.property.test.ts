import { randomUUID } from 'node:crypto';
import {
  addMonths,
  CLAIM_STATES,
  CLAIM_TRANSITIONS,
  type Claim,
  type ClaimState,
  claims,
  edmontonDate,
  firstOfMonth,
  formatDate,
  lastOfMonth,
  MONTHLY_METRIC_KEYS,
  monthsBetween,
  PERIOD_OPTIONS,
  systemClock,
} from '@meritum/shared';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { refreshSettled } from '../test/analytics-harness';
import { useApp } from '../test/app-harness';
import { type ClaimHistory, claimHistory, playHistories } from '../test/claim-histories';
import { dashboardFromClaims, topCodesFromClaims } from '../test/dashboard-reference';
import { useTestDatabase } from '../test/db';
import { runInterleaved, type Step } from '../test/interleave';
import { asMetricMap, referenceMetrics } from '../test/metrics-reference';
import { claimType, createOp, transitionBody, transitionFields } from '../test/op-arbitraries';
import { withProviderScope } from './db/provider-scope';
import { retentionWindow } from './domains/analytics/services/retention';
import { AuthRepo } from './domains/auth/repos/auth.repo';
import { newSessionToken } from './domains/auth/session-token';
import { SESSION_COOKIE } from './plugins/sessions';

const ctx = useTestDatabase();
const app = useApp(ctx);
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 240_000;
const RUNS = 100;

// Dates around today in Edmonton, the app's clock: this month, last month, a quarter back, and a
// month inside the cache's window but outside the last 12 months.
const today = edmontonDate(new Date());
const monthBack = (n: number, day: number) => {
  const m = addMonths(today.year, today.month, -n);
  return formatDate({ ...m, day });
};
const SERVICE_DATES = [
  firstOfMonth(today.year, today.month),
  monthBack(1, 15),
  monthBack(3, 28),
  monthBack(13, 1),
];
const WINDOW = retentionWindow(systemClock);
const WINDOW_START = WINDOW[0] as string;
const WINDOW_END = lastOfMonth(today.year, today.month);
/** Codes one provider alone bills: any of them in another provider's response is a leak. */
const codesOf = (provider: number) => [`P${provider}A01`, `P${provider}B02`];
const DIMENSION_FILTERS = ['', '{"claim_type":"AHCIP"}', '{"claim_type":"WCB"}'];

type RouteOp =
  | { kind: 'create'; claimType: 'AHCIP' | 'WCB'; code: number; date: string; fee: string }
  | { kind: 'transition'; claim: number; allowed: boolean; choice: number }
  | { kind: 'read'; claim: number }
  | { kind: 'intrude'; victim: number; claim: number; action: 'read' | 'transition' }
  | { kind: 'refresh' }
  | { kind: 'dashboard'; period: number; claimType: 'AHCIP' | 'WCB' | undefined }
  | { kind: 'metrics'; keys: string[]; dimensions: string };

const routeOp: fc.Arbitrary<RouteOp> = fc.oneof(
  { weight: 4, arbitrary: createOp(2, SERVICE_DATES) },
  {
    weight: 6,
    arbitrary: fc.record({ ...transitionFields }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), claim: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('intrude' as const),
      victim: fc.integer({ min: 1, max: 2 }),
      claim: fc.nat(),
      action: fc.constantFrom('read' as const, 'transition' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'refresh' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('dashboard' as const),
      period: fc.nat({ max: PERIOD_OPTIONS.length - 1 }),
      claimType: fc.option(claimType, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('metrics' as const),
      keys: fc.subarray([...MONTHLY_METRIC_KEYS], { minLength: 1 }),
      dimensions: fc.constantFrom(...DIMENSION_FILTERS),
    }),
  },
);
const steps = fc.array(fc.record({ provider: fc.integer({ min: 0, max: 2 }), op: routeOp }), {
  minLength: 1,
  maxLength: 16,
});
/** Claims each physician already has, with their histories, before the requests interleave. */
const seeds = fc.array(fc.array(claimHistory, { maxLength: 3 }), { minLength: 3, maxLength: 3 });

/** A physician in the model: its session, its claims as its own requests left them, its version. */
interface Physician {
  providerId: string;
  cookie: string;
  codes: string[];
  claims: Array<{ id: string; state: ClaimState; fee: string }>;
  version: number;
}

let physicians = 0;

/**
 * A physician with a session, made behind the API's back: sign-up hashes a password with
 * argon2id, too slow to do three times a run. Requests still pass the real session check.
 */
async function physician(codes: string[]): Promise<Physician> {
  physicians += 1;
  const providerId = randomUUID();
  const { token, id, secretHash } = newSessionToken();
  await withProviderScope(ctx.db, providerId, async (tx) => {
    const auth = new AuthRepo(tx);
    const { userId } = await auth.createProviderWithUser({
      name: `Dr. Property ${physicians}`,
      billingNumber: `PR-${providerId.slice(0, 8)}-${physicians}`,
      email: `dr.property.${providerId}@example.ca`,
      passwordHash: 'not a hash: this physician never logs in',
    });
    await auth.insertSession({
      id,
      userId,
      secretHash,
      expiresAt: new Date(Date.now() + 86_400_000),
      lastActiveAt: new Date(),
    });
  });
  return { providerId, cookie: `${SESSION_COOKIE}=${token}`, codes, claims: [], version: 0 };
}

/** Plays the histories through the claims service (at today's time) into the physician's model. */
async function seed(me: Physician, histories: ClaimHistory[]): Promise<void> {
  const own = histories.map((h, i) => ({ ...h, healthServiceCode: me.codes[i % 2] as string }));
  await playHistories(app.services.claims, { set: () => undefined }, me.providerId, own);
  const { rows } = await ctx.admin.query<{ id: string; state: ClaimState; fee: string }>(
    'select id, state, fee_submitted::text as fee from claims where provider_id = $1',
    [me.providerId],
  );
  me.claims.push(...rows);
  me.version += histories.reduce((n, h) => n + 1 + h.steps.length, 0);
}

const get = (who: Physician, path: string) =>
  supertest(app.app.server).get(path).set('Cookie', who.cookie);
const post = (who: Physician, path: string, body?: object) => {
  const request = supertest(app.app.server).post(path).set('Cookie', who.cookie);
  return body ? request.send(body) : request;
};

/** Neither another physician's provider id, claim ids nor codes appear in a response. */
function expectNothingOf(others: readonly Physician[], text: string, what: string): void {
  for (const other of others) {
    for (const secret of [other.providerId, ...other.claims.map((c) => c.id), ...other.codes]) {
      expect(text.includes(secret), `${what} shows ${secret}: ${text}`).toBe(false);
    }
  }
}

const dashboardPath = (period: string, claimType: string | undefined) => {
  const custom = period === 'custom' ? `&start=${monthBack(4, 10)}&end=${formatDate(today)}` : '';
  return `/api/v1/analytics/dashboard?period=${period}${custom}${claimType ? `&claimType=${claimType}` : ''}`;
};

async function play(models: readonly Physician[], { provider, op }: Step<RouteOp>): Promise<void> {
  const me = models[provider] as Physician;
  const others = models.filter((m) => m !== me);
  const pick = <T>(list: readonly T[], n: number) => list[n % list.length];
  switch (op.kind) {
    case 'create': {
      const response = await post(me, '/api/v1/claims', {
        claimType: op.claimType,
        healthServiceCode: me.codes[op.code],
        dateOfService: op.date,
        feeSubmitted: op.fee,
      });
      expect(response.status, response.text).toBe(201);
      expect(response.body).toMatchObject({ providerId: me.providerId, state: 'draft' });
      me.claims.push({ id: response.body.id, state: 'draft', fee: op.fee });
      me.version += 1;
      return;
    }
    case 'transition': {
      const claim = pick(me.claims, op.claim);
      if (!claim) return;
      const allowed = CLAIM_TRANSITIONS[claim.state];
      const refused = CLAIM_STATES.filter((state) => !allowed.includes(state));
      const to = (
        op.allowed && allowed.length > 0 ? pick(allowed, op.choice) : pick(refused, op.choice)
      ) as ClaimState;
      const body = transitionBody(to, claim.fee, op.choice);
      const response = await post(me, `/api/v1/claims/${claim.id}/transitions`, body);
      if (allowed.includes(to)) {
        expect(response.status, response.text).toBe(200);
        expect(response.body).toMatchObject({ id: claim.id, providerId: me.providerId, state: to });
        claim.state = to;
        me.version += 1;
      } else {
        expect(response.status, response.text).toBe(409);
        expect(response.body.error.code).toBe('INVALID_TRANSITION');
      }
      expectNothingOf(others, response.text, 'a transition');
      return;
    }
    case 'read': {
      const claim = pick(me.claims, op.claim);
      if (!claim) return;
      const response = await get(me, `/api/v1/claims/${claim.id}`);
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ providerId: me.providerId, state: claim.state });
      return;
    }
    case 'intrude': {
      // Another physician's claim, by its real id: not found, and left as it is.
      const victim = pick((models[(provider + op.victim) % 3] as Physician).claims, op.claim);
      if (!victim) return;
      const response =
        op.action === 'read'
          ? await get(me, `/api/v1/claims/${victim.id}`)
          : await post(me, `/api/v1/claims/${victim.id}/transitions`, { to: 'submitted' });
      expect(response.status, response.text).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
      expectNothingOf(
        others.map((o) => ({ ...o, claims: o.claims.filter((c) => c.id !== victim.id) })),
        response.text,
        'a refusal',
      );
      return;
    }
    case 'refresh': {
      const response = await post(me, '/api/v1/analytics/refresh');
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ status: 'refreshed', months: WINDOW.length });
      // It may have joined a refresh already running: a version of this physician's, not newer.
      expect(BigInt(response.body.sourceVersion)).toBeLessThanOrEqual(BigInt(me.version));
      return;
    }
    case 'dashboard': {
      const period = PERIOD_OPTIONS[op.period] as string;
      const response = await get(me, dashboardPath(period, op.claimType));
      expect(response.status, response.text).toBe(200);
      expectNothingOf(others, response.text, 'a dashboard');
      const { metrics, topHealthServiceCodes, freshness } = response.body;
      expect(BigInt(freshness.sourceVersion ?? '0')).toBeLessThanOrEqual(BigInt(me.version));
      // A fresh or just computed cache is exact; a stale one is served as it was, and refreshed.
      if (freshness.state === 'fresh' || freshness.state === 'cold') {
        const range = response.body.period;
        expect(metrics).toEqual(
          await dashboardFromClaims(ctx.admin, me.providerId, range, op.claimType),
        );
        expect(topHealthServiceCodes).toEqual(
          await topCodesFromClaims(ctx.admin, me.providerId, range, op.claimType),
        );
      }
      return;
    }
    case 'metrics': {
      const dimensions = op.dimensions ? `&dimensions=${encodeURIComponent(op.dimensions)}` : '';
      const response = await get(
        me,
        `/api/v1/analytics/metrics?keys=${op.keys.join(',')}&start=${WINDOW_START}&end=${WINDOW_END}${dimensions}`,
      );
      expect(response.status, response.text).toBe(200);
      expectNothingOf(others, response.text, 'metrics');
      // A figure names no provider and no row: another physician's would show in its codes
      // (checked above) or in a version this physician has not reached.
      for (const figure of response.body.figures) {
        expect(figure).not.toHaveProperty('providerId');
        expect(figure).not.toHaveProperty('id');
        expect(BigInt(figure.sourceVersion)).toBeLessThanOrEqual(BigInt(me.version));
      }
      return;
    }
  }
}

/** After everything settled: each physician's claims, dashboards and cache rows are its own. */
async function holdsAtRest(me: Physician, others: readonly Physician[]): Promise<void> {
  await refreshSettled(app.services.analytics, me.providerId);
  const { rows: stored } = await ctx.admin.query<{ id: string; state: ClaimState }>(
    'select id, state from claims where provider_id = $1 order by id',
    [me.providerId],
  );
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  expect(stored).toEqual(me.claims.map(({ id, state }) => ({ id, state })).sort(byId));

  for (const claimType of [undefined, 'AHCIP', 'WCB'] as const) {
    const response = await get(me, dashboardPath('last_12_months', claimType));
    expect(response.status, response.text).toBe(200);
    expectNothingOf(others, response.text, 'a dashboard at rest');
    expect(['fresh', 'cold'], `at rest, version ${me.version}: ${response.text}`).toContain(
      response.body.freshness.state,
    );
    const range = response.body.period;
    expect(response.body.metrics).toEqual(
      await dashboardFromClaims(ctx.admin, me.providerId, range, claimType),
    );
    expect(response.body.topHealthServiceCodes).toEqual(
      await topCodesFromClaims(ctx.admin, me.providerId, range, claimType),
    );
  }

  const response = await get(
    me,
    `/api/v1/analytics/metrics?keys=${MONTHLY_METRIC_KEYS.join(',')}&start=${WINDOW_START}&end=${WINDOW_END}`,
  );
  expect(response.status, response.text).toBe(200);
  const own: Claim[] = await withProviderScope(ctx.db, me.providerId, (tx) =>
    tx.db.select().from(claims).where(eq(claims.providerId, me.providerId)),
  );
  expect(asMetricMap(response.body.figures)).toEqual(
    referenceMetrics(own, monthsBetween(WINDOW_START, WINDOW_END)),
  );
}

describe('the claims and analytics routes under interleaved use by three physicians', () => {
  it(
    'answer each physician with its own claims and figures only, and its dashboard equal to the references',
    async () => {
      await fc.assert(
        fc.asyncProperty(seeds, steps, async (histories, generated) => {
          const models = await Promise.all([0, 1, 2].map((i) => physician(codesOf(i))));
          await Promise.all(models.map((me, i) => seed(me, histories[i] ?? [])));

          await runInterleaved(generated, (step) => play(models, step));

          await app.services.analytics.scheduler.idle();
          await Promise.all(
            models.map((me) =>
              holdsAtRest(
                me,
                models.filter((m) => m !== me),
              ),
            ),
          );
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
