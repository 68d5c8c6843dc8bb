import {
  CLAIM_STATES,
  CLAIM_TRANSITIONS,
  type Claim,
  type ClaimState,
  claims,
  edmontonDateString,
  MONTHLY_METRIC_KEYS,
  type PeriodOption,
} from '@meritum/shared';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyticsHarness, refreshSettled } from '../test/analytics-harness';
import { type ClaimHistory, claimHistory, playHistories } from '../test/claim-histories';
import { dashboardFromClaims, topCodesFromClaims } from '../test/dashboard-reference';
import { useTestDatabase } from '../test/db';
import { createProvider } from '../test/factories';
import { runInterleaved, type Step } from '../test/interleave';
import { asMetricMap, referenceMetrics } from '../test/metrics-reference';
import { claimType, createOp, transitionBody, transitionFields } from '../test/op-arbitraries';
import { freshnessOf } from '../test/scoped';
import type { Database } from './db/client';
import { withProviderScope } from './db/provider-scope';
import { retentionWindow } from './domains/analytics/services/retention';
import { ClaimsRepo } from './domains/claims/repos/claims.repo';
import { type ClaimsService, createClaimsService } from './domains/claims/services/claims.service';
import { InvalidTransitionError, NotFoundError } from './lib/errors';

const ctx = useTestDatabase();
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 180_000;
const RUNS_PER_WALL = 75;

// The dashboard's clock stays at NOW, so the cache's window stays Nov 2024 - Oct 2026. Each
// provider bills on a clock of its own that only moves forward (a payment never precedes its
// submission), from after its seeded histories' last step (end of September at the latest) to
// the end of October; odd hours put some changes on another UTC date than Edmonton's. Dates of
// service (month edges) lie before the billing clocks start: a date of service is never after
// today. Nothing happens after 1 November 2026, where time-zone data before and after tz 2026c
// disagree on Edmonton's offset (docs/decisions.md).
const NOW = new Date('2026-10-21T18:00:00Z');
const FIRST_INSTANT = Date.parse('2026-10-08T06:30:00Z');
const LAST_INSTANT = Date.parse('2026-10-31T23:30:00Z'); // 17:30 on Oct 31 in Edmonton
const HOUR = 3_600_000;
const ADVANCES_IN_HOURS = [0, 5, 23, 49, 71];
const SERVICE_DATES = ['2026-08-31', '2026-09-01', '2026-09-30', '2026-10-01'];
/** Codes of one provider alone, and one code all three bill. */
const codesOf = (provider: number) => [`P${provider}1.00A`, `P${provider}2.00A`, '03.03A'];
const PERIODS: Array<{ period: PeriodOption; start?: string; end?: string }> = [
  { period: 'this_month' },
  { period: 'last_month' },
  { period: 'this_quarter' },
  { period: 'year_to_date' },
  { period: 'last_12_months' },
  { period: 'custom', start: '2026-08-01', end: '2026-10-31' },
  { period: 'custom', start: '2024-06-01', end: '2025-01-31' }, // partly outside the window
];

type ServiceOp =
  | { kind: 'create'; claimType: 'AHCIP' | 'WCB'; code: number; date: string; fee: string }
  | { kind: 'transition'; claim: number; allowed: boolean; choice: number; hours: number }
  | { kind: 'remove'; claim: number }
  | { kind: 'intrude'; victim: number; claim: number; action: 'get' | 'transition' | 'remove' }
  | { kind: 'refresh' }
  | { kind: 'dashboard'; period: number; claimType: 'AHCIP' | 'WCB' | undefined }
  | { kind: 'metrics'; claimType: 'AHCIP' | 'WCB' | undefined }
  | { kind: 'status' };

const serviceOp: fc.Arbitrary<ServiceOp> = fc.oneof(
  { weight: 4, arbitrary: createOp(3, SERVICE_DATES) },
  {
    weight: 6,
    arbitrary: fc.record({ ...transitionFields, hours: fc.constantFrom(...ADVANCES_IN_HOURS) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), claim: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('intrude' as const),
      victim: fc.integer({ min: 1, max: 2 }),
      claim: fc.nat(),
      action: fc.constantFrom('get' as const, 'transition' as const, 'remove' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'refresh' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('dashboard' as const),
      period: fc.nat({ max: PERIODS.length - 1 }),
      claimType: fc.option(claimType, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('metrics' as const),
      claimType: fc.option(claimType, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'status' as const }) },
);
const steps = fc.array(fc.record({ provider: fc.integer({ min: 0, max: 2 }), op: serviceOp }), {
  minLength: 1,
  maxLength: 14,
});
/** Claims each provider already has, with their histories, before the steps interleave. */
const seeds = fc.array(fc.array(claimHistory, { maxLength: 3 }), { minLength: 3, maxLength: 3 });

/**
 * One provider: its claims as its own steps left them, its data version (one per change), and
 * the claims service it bills through, on a clock of its own (the one hook is shared).
 */
interface ProviderModel {
  id: string;
  claims: Array<{ id: string; state: ClaimState; fee: string }>;
  version: number;
  clock: { now(): Date; set(at: Date): void };
  service: ClaimsService;
}

type Harness = ReturnType<typeof analyticsHarness>;

/** The provider's claims, read through its own scope. */
const claimsOf = (db: Database, providerId: string): Promise<Claim[]> =>
  withProviderScope(db, providerId, (tx) =>
    tx.db.select().from(claims).where(eq(claims.providerId, providerId)),
  );

async function play(
  h: Harness,
  db: Database,
  models: readonly ProviderModel[],
  { provider, op }: Step<ServiceOp>,
): Promise<void> {
  const model = models[provider] as ProviderModel;
  const p = model.id;
  const ownCodes = new Set(codesOf(provider));
  const pick = <T>(list: readonly T[], n: number) => list[n % list.length];
  switch (op.kind) {
    case 'create': {
      const created = await model.service.create(p, {
        claimType: op.claimType,
        healthServiceCode: codesOf(provider)[op.code] as string,
        dateOfService: op.date,
        feeSubmitted: op.fee,
      });
      expect(created).toMatchObject({ providerId: p, state: 'draft', feeSubmitted: op.fee });
      model.claims.push({ id: created.id, state: 'draft', fee: op.fee });
      model.version += 1;
      return;
    }
    case 'transition': {
      const claim = pick(model.claims, op.claim);
      if (!claim) return;
      const at = Math.min(model.clock.now().getTime() + op.hours * HOUR, LAST_INSTANT);
      model.clock.set(new Date(at));
      const allowed = CLAIM_TRANSITIONS[claim.state];
      const refused = CLAIM_STATES.filter((state) => !allowed.includes(state));
      const to = (
        op.allowed && allowed.length > 0 ? pick(allowed, op.choice) : pick(refused, op.choice)
      ) as ClaimState;
      const input = transitionBody(to, claim.fee, op.choice);
      if (allowed.includes(to)) {
        const moved = await model.service.transition(p, claim.id, input);
        expect(moved).toMatchObject({ id: claim.id, providerId: p, state: to });
        claim.state = to;
        model.version += 1;
      } else {
        await expect(model.service.transition(p, claim.id, input)).rejects.toBeInstanceOf(
          InvalidTransitionError,
        );
      }
      return;
    }
    case 'remove': {
      const claim = pick(model.claims, op.claim);
      if (!claim) return;
      await model.service.remove(p, claim.id);
      model.claims.splice(model.claims.indexOf(claim), 1);
      model.version += 1;
      return;
    }
    case 'intrude': {
      // Another provider's claim, by its real id: invisible, and left as it is.
      const victim = pick((models[(provider + op.victim) % 3] as ProviderModel).claims, op.claim);
      if (!victim) return;
      const attempt =
        op.action === 'get'
          ? model.service.get(p, victim.id)
          : op.action === 'remove'
            ? model.service.remove(p, victim.id)
            : model.service.transition(p, victim.id, { to: 'submitted' });
      await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
      return;
    }
    case 'refresh': {
      const window = retentionWindow(h.clock);
      // joinRunning false: a refresh that starts after this call, so after every own change.
      const outcome = await h.analytics.refresher.refreshProvider(p, {
        months: window,
        joinRunning: false,
      });
      // The refresh also wrote the outstanding figures, as of the clock's day.
      const asOf = edmontonDateString(h.clock.now());
      const reference = referenceMetrics(await claimsOf(db, p), window, asOf);
      expect(outcome).toEqual({
        status: 'refreshed',
        months: window.length,
        rows: reference.size,
        sourceVersion: String(model.version),
      });
      return;
    }
    case 'dashboard': {
      const query = PERIODS[op.period] as (typeof PERIODS)[number];
      const dashboard = await h.analytics.dashboard.getDashboard(p, query, {
        claimType: op.claimType,
      });
      for (const { healthServiceCode } of dashboard.topHealthServiceCodes) {
        expect(ownCodes.has(healthServiceCode), healthServiceCode).toBe(true);
      }
      expect(BigInt(dashboard.freshness.sourceVersion ?? '0')).toBeLessThanOrEqual(
        BigInt(model.version),
      );
      // A fresh or just computed cache is exact; a stale one is served as it was, and refreshed.
      if (dashboard.freshness.state === 'fresh' || dashboard.freshness.state === 'cold') {
        expect(dashboard.metrics).toEqual(
          await dashboardFromClaims(ctx.admin, p, dashboard.period, op.claimType),
        );
        expect(dashboard.topHealthServiceCodes).toEqual(
          await topCodesFromClaims(ctx.admin, p, dashboard.period, op.claimType),
        );
      }
      return;
    }
    case 'metrics': {
      const window = retentionWindow(h.clock);
      const { figures } = await h.analytics.figures.figures(p, {
        keys: [...MONTHLY_METRIC_KEYS],
        start: window[0] as string,
        end: '2026-10-31',
        dimensions: op.claimType ? { claim_type: op.claimType } : undefined,
      });
      // No provider id on a figure: another provider's would show its codes or a later version.
      for (const figure of figures) {
        const code = figure.dimensions.health_service_code;
        if (code !== undefined) expect(ownCodes.has(String(code)), String(code)).toBe(true);
        expect(BigInt(figure.sourceVersion)).toBeLessThanOrEqual(BigInt(model.version));
      }
      return;
    }
    case 'status': {
      const status = await freshnessOf(db, p);
      expect(status.dataVersion).toBe(String(model.version));
      expect(BigInt(status.cacheVersion ?? '0')).toBeLessThanOrEqual(BigInt(model.version));
      return;
    }
  }
}

/** A new provider with its claims played through its service, as the model knows them. */
async function seeded(
  h: Harness,
  db: Database,
  provider: number,
  histories: ClaimHistory[],
): Promise<ProviderModel> {
  const p = await createProvider(ctx.admin);
  let now = new Date(FIRST_INSTANT);
  const clock = { now: () => now, set: (at: Date) => (now = at) };
  const service = createClaimsService({
    db,
    claims: (tx) => new ClaimsRepo(tx),
    events: h.events,
    clock,
  });
  const codes = codesOf(provider);
  await playHistories(
    service,
    clock,
    p,
    histories.map((history, i) => ({
      ...history,
      healthServiceCode: codes[i % codes.length] as string,
    })),
  );
  const { rows } = await ctx.admin.query<{ id: string; state: ClaimState; fee: string }>(
    'select id, state, fee_submitted::text as fee from claims where provider_id = $1',
    [p],
  );
  const changes = histories.reduce((n, history) => n + 1 + history.steps.length, 0);
  clock.set(new Date(FIRST_INSTANT));
  return { id: p, claims: rows, version: changes, clock, service };
}

/** After everything settled: each provider's claims, version, cache and dashboard are its own. */
async function holdsAtRest(h: Harness, db: Database, model: ProviderModel): Promise<void> {
  const p = model.id;
  await h.analytics.scheduler.idle();
  await refreshSettled(h.analytics, p);

  const own = await claimsOf(db, p);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  expect(own.map(({ id, state }) => ({ id, state })).sort(byId)).toEqual(
    model.claims.map(({ id, state }) => ({ id, state })).sort(byId),
  );
  expect((await freshnessOf(db, p)).dataVersion).toBe(String(model.version));

  for (const claimType of [undefined, 'AHCIP', 'WCB'] as const) {
    const dashboard = await h.analytics.dashboard.getDashboard(
      p,
      { period: 'last_12_months' },
      { claimType },
    );
    expect(
      ['fresh', 'cold'],
      `at rest, version ${model.version}: ${JSON.stringify(dashboard.freshness)}`,
    ).toContain(dashboard.freshness.state);
    expect(dashboard.metrics).toEqual(
      await dashboardFromClaims(ctx.admin, p, dashboard.period, claimType),
    );
    expect(dashboard.topHealthServiceCodes).toEqual(
      await topCodesFromClaims(ctx.admin, p, dashboard.period, claimType),
    );
  }
  const window = retentionWindow(h.clock);
  const { figures: cached } = await h.analytics.figures.figures(p, {
    keys: [...MONTHLY_METRIC_KEYS],
    start: window[0] as string,
    end: '2026-10-31',
  });
  expect(asMetricMap(cached)).toEqual(referenceMetrics(own, window));
}

describe('claims, refresh and dashboard services under interleaved use by three providers', () => {
  it.each([
    ['as meritum_app, under row-level security', () => ctx.db],
    // The owner (a superuser here) bypasses row-level security: only the WHERE clauses protect.
    [
      'as the owner, with the WHERE clauses alone',
      () => drizzle({ client: ctx.admin }) as Database,
    ],
  ])(
    "keeps each provider's claims, versions and figures its own, and its dashboard equal to the references, %s",
    async (_, database) => {
      const db = database();
      const h = analyticsHarness(db, { now: NOW });
      try {
        await fc.assert(
          fc.asyncProperty(seeds, steps, async (histories, generated) => {
            const models = await Promise.all(
              histories.map((own, provider) => seeded(h, db, provider, own)),
            );

            await runInterleaved(generated, (step) => play(h, db, models, step));

            await Promise.all(models.map((model) => holdsAtRest(h, db, model)));
          }),
          { numRuns: RUNS_PER_WALL },
        );
      } finally {
        await h.analytics.close();
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});
