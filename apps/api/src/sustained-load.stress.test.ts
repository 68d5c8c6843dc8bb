import { edmontonDateString, systemClock } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../test/analytics-harness';
import {
  dashboardFromClaims,
  periodsFromDatabase,
  topCodesFromClaims,
} from '../test/dashboard-reference';
import { useTestDatabase } from '../test/db';
import { ownerQuery } from '../test/factories';
import type { HttpSession } from '../test/http-session';
import { NO_LIMITS } from '../test/no-limits';
import { signUp } from '../test/sign-up';
import { type App, buildApp } from './app';
import { insertSyntheticClaims } from './demo/synthetic-claims';
import { createServices, type Services } from './services';

// `pnpm test:stress`: a minute of load on the real app, outside the default test run.
const ctx = useTestDatabase({ own: 'stress' });

const DURATION_MS = Number(process.env.STRESS_DURATION_MS ?? 60_000);
const WARM_UP_MS = Math.min(10_000, DURATION_MS / 6);
const CONNECTIONS = 50;
const PHYSICIANS = 10;
/** Heap (after a full GC) and RSS may grow this much from the end of the warm-up to the end. */
const HEAP_GROWTH_LIMIT_MB = 24;
const RSS_GROWTH_LIMIT_MB = 128;

const PERIODS = ['this_month', 'last_month', 'this_quarter', 'year_to_date', 'last_12_months'];
const CLAIM_TYPES = [undefined, 'AHCIP', 'WCB'] as const;
type State = 'draft' | 'submitted' | 'paid' | 'adjusted' | 'rejected' | 'written_off';
const NEXT: Partial<Record<State, State[]>> = {
  draft: ['submitted'],
  submitted: ['paid', 'adjusted', 'rejected'],
  rejected: ['submitted', 'written_off'],
};

interface OwnClaim {
  id: string;
  state: State;
  fee: number;
}

const env = {} as { services: Services; app: App; physicians: HttpSession[] };
const stats = {
  answers: new Map<string, number>(),
  latencies: [] as number[],
  unexpected: [] as Array<{ route: string; status: number; body: unknown }>,
};
const memory: Array<{ atMs: number; heapMb: number; rssMb: number }> = [];

/** mulberry32: a seeded stream, so a run's mix of operations can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(next: () => number, list: readonly T[]): T =>
  list[Math.floor(next() * list.length)] as T;

function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - days * 86_400_000).toISOString().slice(0, 10);
}

const cents = (amount: number) => (amount / 100).toFixed(2);

function measureMemory(atMs: number) {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  memory.push({ atMs, heapMb: mb(heapUsed), rssMb: mb(rss) });
}

async function call(
  physician: HttpSession,
  route: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) {
  const started = performance.now();
  const answer = await physician
    .request(method, path, { body, timeoutMs: 30_000 })
    .catch((error: unknown) => ({ status: 0, body: String(error) }));
  stats.latencies.push(performance.now() - started);
  const key = `${route} ${answer.status}`;
  stats.answers.set(key, (stats.answers.get(key) ?? 0) + 1);
  if (answer.status < 200 || answer.status >= 300) {
    stats.unexpected.push({ route, status: answer.status, body: answer.body });
  }
  return answer;
}

/**
 * One connection's loop: half dashboard reads, a sixth refreshes, a third claim steps (a new
 * claim, or the next state of one it billed). Its claims are its own, so no step conflicts.
 */
async function connection(index: number, until: number, claims: OwnClaim[]): Promise<void> {
  const physician = env.physicians[index % PHYSICIANS] as HttpSession;
  const next = random(index + 1);
  const today = edmontonDateString(systemClock.now());
  while (Date.now() < until) {
    const roll = next();
    if (roll < 0.5) {
      const claimType = pick(next, CLAIM_TYPES);
      await call(
        physician,
        'dashboard',
        'GET',
        `/api/v1/analytics/dashboard?period=${pick(next, PERIODS)}${claimType ? `&claimType=${claimType}` : ''}`,
      );
    } else if (roll < 0.66) {
      await call(physician, 'refresh', 'POST', '/api/v1/analytics/refresh');
    } else {
      const open = claims.filter((c) => NEXT[c.state]);
      if (open.length === 0 || next() < 0.2) {
        const fee = 2_000 + Math.floor(next() * 48_000);
        const created = await call(physician, 'create claim', 'POST', '/api/v1/claims', {
          claimType: next() < 0.7 ? 'AHCIP' : 'WCB',
          healthServiceCode: pick(next, ['03.03A', '03.04A', '08.19A', 'C568', 'A300']),
          dateOfService: daysBefore(today, Math.floor(next() * 400)),
          feeSubmitted: cents(fee),
        });
        if (created.status === 201) {
          claims.push({ id: (created.body as { id: string }).id, state: 'draft', fee });
        }
      } else {
        const claim = pick(next, open);
        const to = pick(next, NEXT[claim.state] as State[]);
        const moved = await call(
          physician,
          'transition',
          'POST',
          `/api/v1/claims/${claim.id}/transitions`,
          to === 'adjusted'
            ? { to, feeAssessed: cents(claim.fee - 500), explanatoryCodes: ['21'] }
            : to === 'rejected'
              ? { to, explanatoryCodes: ['05'] }
              : { to },
        );
        if (moved.status === 200) claim.state = to;
      }
    }
  }
}

beforeAll(async () => {
  env.services = createServices({
    db: ctx.db,
    pool: ctx.pool,
    clock: systemClock,
    logger: silentLogger,
  });
  env.app = await buildApp({
    db: ctx.db,
    services: env.services,
    options: { limits: NO_LIMITS },
  });
  const baseUrl = await env.app.listen({ host: '127.0.0.1', port: 0 });
  env.physicians = [];
  const today = edmontonDateString(systemClock.now());
  for (let i = 0; i < PHYSICIANS; i++) {
    const physician = await signUp(baseUrl);
    // A history to recompute: two years of claims, inserted as the owner (the triggers fire).
    const owner = await ctx.admin.connect();
    try {
      await insertSyntheticClaims(drizzle({ client: owner }), physician.providerId, {
        count: 400,
        until: today,
        seed: 100 + i,
      });
    } finally {
      owner.release();
    }
    env.physicians.push(physician);
  }
}, 120_000);

afterAll(async () => {
  await env.services?.close();
  await env.app?.close();
});

describe(`${DURATION_MS / 1000} s at ${CONNECTIONS} connections: dashboards, refreshes and claim transitions`, () => {
  const claimsOf: OwnClaim[][] = Array.from({ length: CONNECTIONS }, () => []);

  it('answers every request with a 2xx, and memory stays flat', async () => {
    const started = Date.now();
    const until = started + DURATION_MS;
    const sampler = setInterval(() => measureMemory(Date.now() - started), 5_000);
    let poolWaitingMax = 0;
    const poolSampler = setInterval(() => {
      poolWaitingMax = Math.max(poolWaitingMax, ctx.pool.waitingCount);
    }, 50);
    const warm = new Promise<void>((resolve) =>
      setTimeout(() => {
        measureMemory(Date.now() - started);
        resolve();
      }, WARM_UP_MS),
    );
    await Promise.all(claimsOf.map((claims, i) => connection(i, until, claims)));
    await warm;
    clearInterval(sampler);
    clearInterval(poolSampler);
    measureMemory(Date.now() - started);

    const requests = stats.latencies.length;
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    const percentile = (p: number) => Math.round(sorted[Math.floor((sorted.length - 1) * p)] ?? 0);
    const warmUp = memory.find((m) => m.atMs >= WARM_UP_MS - 100) ?? memory[0];
    const end = memory.at(-1);
    console.info(
      JSON.stringify({
        durationMs: Date.now() - started,
        connections: CONNECTIONS,
        requests,
        perSecond: Math.round(requests / (DURATION_MS / 1000)),
        latencyMs: {
          p50: percentile(0.5),
          p95: percentile(0.95),
          p99: percentile(0.99),
          max: percentile(1),
        },
        answers: Object.fromEntries([...stats.answers].sort()),
        poolWaitingMax,
        memory: { afterWarmUp: warmUp, end, samples: memory.length },
      }),
    );

    expect(stats.unexpected.slice(0, 10)).toEqual([]);
    expect(requests).toBeGreaterThan(CONNECTIONS * 10);
    for (const route of ['dashboard', 'refresh', 'create claim', 'transition']) {
      expect(stats.answers.get(`${route} ${route === 'create claim' ? 201 : 200}`)).toBeGreaterThan(
        10,
      );
    }
    expect(globalThis.gc, 'run with --expose-gc (vitest.stress.config.ts)').toBeTypeOf('function');
    expect((end?.heapMb ?? 0) - (warmUp?.heapMb ?? 0)).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
    expect((end?.rssMb ?? 0) - (warmUp?.rssMb ?? 0)).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  });

  it('kept every acknowledged claim change', async () => {
    for (const [index, claims] of claimsOf.entries()) {
      if (claims.length === 0) continue;
      const providerId = env.physicians[index % PHYSICIANS]?.providerId as string;
      const { rows } = await ownerQuery(
        ctx.admin,
        providerId,
        'select id, state::text from claims where provider_id = $1 and id = any($2::uuid[])',
        [providerId, claims.map((c) => c.id)],
      );
      const stored = Object.fromEntries(rows.map((r) => [r.id, r.state]));
      expect(stored).toEqual(Object.fromEntries(claims.map((c) => [c.id, c.state])));
    }
  });

  it('leaves every dashboard, once the last refreshes land, fresh and equal to the claims', async () => {
    await env.services.analytics.scheduler.idle();
    const periods = await periodsFromDatabase(ctx.admin);
    for (const physician of env.physicians) {
      for (const period of PERIODS) {
        for (const claimType of CLAIM_TYPES) {
          const dashboard = await physician.request(
            'GET',
            `/api/v1/analytics/dashboard?period=${period}${claimType ? `&claimType=${claimType}` : ''}`,
          );
          expect(dashboard.status).toBe(200);
          const body = dashboard.body as {
            period: unknown;
            freshness: { state: string };
            metrics: unknown;
            topHealthServiceCodes: unknown;
          };
          const range = periods[period as keyof typeof periods] as { start: string; end: string };
          // Enough to tell a lost update from a wrong reference, should it ever fail.
          const what = JSON.stringify({
            providerId: physician.providerId,
            claimType,
            served: body.period,
            reference: range,
            freshness: body.freshness,
          });
          expect(body.freshness.state, what).toBe('fresh');
          expect(body.metrics, what).toEqual(
            await dashboardFromClaims(ctx.admin, physician.providerId, range, claimType),
          );
          expect(body.topHealthServiceCodes, what).toEqual(
            await topCodesFromClaims(ctx.admin, physician.providerId, range, claimType),
          );
        }
      }
    }
  });
});
