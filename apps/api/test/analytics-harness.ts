import type { NewClaim } from '@meritum/shared';
import pino from 'pino';
import { afterEach } from 'vitest';
import type { z } from 'zod';
import { createAppPool, createDatabase, type Database } from '../src/db/client';
import type { ProviderTx } from '../src/db/provider-scope';
import { createAnalytics } from '../src/domains/analytics/analytics.module';
import { MetricsCalculator } from '../src/domains/analytics/metrics/metrics-calculator';
import { ClaimsRepo } from '../src/domains/claims/repos/claims.repo';
import { createClaimsService } from '../src/domains/claims/services/claims.service';
import { EventBus } from '../src/lib/events';
import type { TestDatabase } from './db';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * The analytics domain on a test database, with a settable clock, the claims service wired to
 * its hook, and a count of the calculator's calls. `unhooked` is a claims service whose changes
 * never reach the hook: a process that died between commit and refresh.
 */
export function analyticsHarness(
  db: Database,
  options: {
    now?: Date;
    computeDelayMs?: number;
    maxAgeMinutes?: number;
    coalesceMs?: number;
    statementMaxAgeHours?: number;
  } = {},
) {
  let now = options.now ?? new Date('2026-11-21T18:00:00Z');
  const clock = { now: () => now, set: (at: Date) => (now = at) };
  const events = new EventBus();
  const computeCalls: Array<{ providerId: string; months: readonly string[] }> = [];
  const computedWaiters: Array<() => void> = [];
  const analytics = createAnalytics({
    db,
    events,
    clock,
    logger: silentLogger,
    coalesceMs: options.coalesceMs ?? 20,
    maxAgeMinutes: options.maxAgeMinutes,
    statementMaxAgeHours: options.statementMaxAgeHours,
    calculator: (tx) => {
      const real = new MetricsCalculator(tx);
      return {
        async compute(months, outstandingAsOf) {
          computeCalls.push({ providerId: tx.providerId, months });
          const computed = await real.compute(months, outstandingAsOf);
          for (const resolve of computedWaiters.splice(0)) resolve();
          // Slow refreshes hold their lock and transaction after the snapshot was taken, so a
          // test can commit a claim change between a refresh's reading and its writing.
          if (options.computeDelayMs) {
            await new Promise((r) => setTimeout(r, options.computeDelayMs));
          }
          return computed;
        },
      };
    },
  });
  const claimsRepo = (tx: ProviderTx) => new ClaimsRepo(tx);
  const claims = createClaimsService({ db, claims: claimsRepo, events, clock });
  const unhooked = createClaimsService({
    db,
    claims: claimsRepo,
    events: new EventBus(),
    clock,
  });
  /** Resolves once the next refresh has read the claims it computes from. */
  const nextComputed = () => new Promise<void>((resolve) => computedWaiters.push(resolve));
  return { clock, events, analytics, claims, unhooked, computeCalls, nextComputed };
}

type ClaimsService = ReturnType<typeof analyticsHarness>['claims'];
export type ClaimOverrides = Partial<z.output<typeof NewClaim>>;

/** An AHCIP claim of $100.00 for 03.03A on 2 November 2026, unless `overrides` say otherwise. */
export const newClaim = (overrides: ClaimOverrides = {}): z.output<typeof NewClaim> => ({
  claimType: 'AHCIP',
  healthServiceCode: '03.03A',
  dateOfService: '2026-11-02',
  feeSubmitted: '100.00',
  ...overrides,
});

/** A claim created and submitted through the claims service; its id. */
export async function submittedClaim(
  service: ClaimsService,
  providerId: string,
  overrides: ClaimOverrides = {},
): Promise<string> {
  const { id } = await service.create(providerId, newClaim(overrides));
  await service.transition(providerId, id, { to: 'submitted' });
  return id;
}

/** Waits for the provider's running refresh, if any. */
export async function refreshSettled(
  analytics: ReturnType<typeof createAnalytics>,
  providerId: string,
): Promise<void> {
  while (analytics.refresher.isRefreshing(providerId)) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until some session holds an advisory lock: (namespace, hashtext(key)) or a bigint key. */
export async function waitForAdvisoryLock(
  admin: import('pg').Pool,
  lock: { namespace: number; key: string } | { bigint: number },
): Promise<void> {
  const query =
    'namespace' in lock
      ? {
          text: `select exists (select 1 from pg_locks where locktype = 'advisory' and granted
                  and objsubid = 2 and classid = $1::int::oid and objid = hashtext($2)::oid) as held`,
          values: [lock.namespace, lock.key],
        }
      : {
          text: `select exists (select 1 from pg_locks where locktype = 'advisory' and granted
                  and objsubid = 1 and objid = $1::bigint::oid) as held`,
          values: [lock.bigint],
        };
  for (let i = 0; i < 500; i++) {
    const { rows } = await admin.query(query);
    if (rows[0]?.held) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the advisory lock was never taken');
}

type HarnessOptions = Parameters<typeof analyticsHarness>[1];

/**
 * Harnesses for a test file, all closed after each test: `harness()` on the file's database,
 * `otherInstance()` on a pool of its own, as a second API instance would be.
 */
export function useAnalyticsHarnesses(ctx: TestDatabase) {
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });
  return {
    harness(options?: HarnessOptions) {
      const h = analyticsHarness(ctx.db, options);
      open.push(() => h.analytics.close());
      return h;
    },
    otherInstance(options?: HarnessOptions) {
      const pool = createAppPool(ctx.url, { max: 2, applicationName: 'meritum-test-other' });
      const h = analyticsHarness(createDatabase(pool), options);
      open.push(async () => {
        await h.analytics.close();
        await pool.end();
      });
      return h;
    },
  };
}
