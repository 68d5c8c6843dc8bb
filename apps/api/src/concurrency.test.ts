import { type ClaimState, formatCents, toCents } from '@meritum/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { cacheEntry, createProvider, months, ownerQuery, rowsOf } from '../test/factories';
import { scopedRepo } from '../test/scoped';
import { signUp } from '../test/sign-up';
import { createAppPool, createDatabase, type Database } from './db/client';
import { AnalyticsCacheRepo } from './domains/analytics/repos/analytics-cache.repo';
import { ClaimsRepo } from './domains/claims/repos/claims.repo';
import { createClaimsService } from './domains/claims/services/claims.service';
import { InvalidTransitionError } from './lib/errors';
import { EventBus } from './lib/events';

const ctx = useTestDatabase();
const app = useApp(ctx);
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 120_000;

// A pool wider than the default ten, so that many statements really are in flight at once.
let wide: { pool: ReturnType<typeof createAppPool>; db: Database };
beforeAll(() => {
  const pool = createAppPool(ctx.url, { max: 24, applicationName: 'meritum-test-concurrency' });
  // A thousand callers queue for 24 connections: on a loaded machine the last of them wait
  // longer than the API's 5 s bound on a connection wait. What is tested is what the upserts
  // do, not how long the queue is, so here the queue may wait as long as a test may run.
  pool.options.connectionTimeoutMillis = 30_000;
  wide = { pool, db: createDatabase(pool) };
});
afterAll(async () => {
  await wide?.pool.end();
});

/** Fulfilled values, and the reasons of the rest. */
function outcomes<T>(settled: PromiseSettledResult<T>[]) {
  return {
    values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}

/** A deterministic shuffle, so that a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('one cache key under concurrent upserts', () => {
  it('keeps one row and raises no error under 1,000 concurrent upserts, holding the newest source_version', async () => {
    const p = await createProvider(ctx.admin);
    const repo = scopedRepo(wide.db, p, (tx) => new AnalyticsCacheRepo(tx));
    const versions = shuffled(
      Array.from({ length: 1000 }, (_, i) => i),
      1,
    );

    const settled = await Promise.allSettled(
      versions.map((v) =>
        repo.bulkUpsert([
          cacheEntry({ metricKey: 'billed_amount', value: `${v}.25`, sourceVersion: String(v) }),
        ]),
      ),
    );

    const { values, errors } = outcomes(settled);
    expect(errors).toEqual([]);
    // Each caller wrote its row, or found one from a newer version and left it.
    expect(values.every((written) => written === 0 || written === 1)).toBe(true);
    expect(values).toContain(1);
    const rows = await rowsOf(ctx.admin, p);
    expect(rows.map((r) => [r.value, r.source_version])).toEqual([['999.25', '999']]);
  });

  it('keeps one row holding one of the values written when 1,000 upserts of one key at one version race', async () => {
    const p = await createProvider(ctx.admin);
    const repo = scopedRepo(wide.db, p, (tx) => new AnalyticsCacheRepo(tx));
    // The same key, its dimensions written in either order.
    const dimensions = (i: number) =>
      i % 2 === 0
        ? { claim_type: 'WCB', health_service_code: '03.03A' }
        : { health_service_code: '03.03A', claim_type: 'WCB' };

    const settled = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        repo.bulkUpsert([cacheEntry({ dimensions: dimensions(i), value: String(i) })]),
      ),
    );

    const { values, errors } = outcomes(settled);
    expect(errors).toEqual([]);
    // Every call wrote its row: at one source_version, each write replaces the last.
    expect(values).toEqual(Array(1000).fill(1));
    const rows = await rowsOf(ctx.admin, p);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.value)).toBeGreaterThanOrEqual(0);
    expect(Number(rows[0]?.value)).toBeLessThan(1000);
    expect(rows[0]?.dimensions).toEqual({ claim_type: 'WCB', health_service_code: '03.03A' });
  });
});

// Overlapping key sets: 3 metrics x 12 months x 3 dimension sets.
const DIMENSION_SETS: Array<Record<string, string>> = [
  {},
  { claim_type: 'AHCIP' },
  { claim_type: 'WCB' },
];
const KEYS = (['claims_count', 'billed_amount', 'paid_amount'] as const).flatMap((metricKey) =>
  months('2026-01', 12).flatMap((period) =>
    DIMENSION_SETS.map((dimensions) => ({ metricKey, ...period, dimensions })),
  ),
);
const keyOf = (k: { metricKey: string; periodStart: string; dimensions?: object }) =>
  `${k.metricKey}|${k.periodStart}|${JSON.stringify(k.dimensions ?? {})}`;

const batch = fc.record({
  // Keys in a random order; some repeated further on with another value (the last one wins).
  keys: fc.shuffledSubarray(KEYS, { minLength: 30 }),
  repeats: fc.array(fc.nat(), { maxLength: 10 }),
  sourceVersion: fc.integer({ min: 0, max: 4 }),
  salt: fc.integer({ min: 0, max: 99 }),
});

describe('bulk upserts over overlapping keys', () => {
  it(
    'never deadlock: 8 concurrent batches of shuffled, overlapping keys, round after round, leave each key at its newest version',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(batch, { minLength: 8, maxLength: 8 }), async (batches) => {
          const p = await createProvider(ctx.admin);
          const repo = scopedRepo(wide.db, p, (tx) => new AnalyticsCacheRepo(tx));
          const entries = batches.map(({ keys, repeats, sourceVersion, salt }, b) => {
            const valueAt = (i: number) => `${b + 1}${salt}.${String(i % 100).padStart(2, '0')}`;
            const listed = keys.map((k, i) => ({ ...k, value: valueAt(i) }));
            for (const [n, r] of repeats.entries()) {
              listed.push({
                ...(keys[r % keys.length] as (typeof KEYS)[number]),
                value: valueAt(900 + n),
              });
            }
            return listed.map((e) => cacheEntry({ ...e, sourceVersion: String(sourceVersion) }));
          });

          const settled = await Promise.allSettled(entries.map((e) => repo.bulkUpsert(e)));

          const { values, errors } = outcomes(settled);
          expect(errors).toEqual([]);
          for (const [b, written] of values.entries()) {
            expect(written).toBeLessThanOrEqual(
              (batches[b] as (typeof batches)[number]).keys.length,
            );
          }
          // Each key holds the newest version written to it, with a value some batch of that
          // version gave it last.
          const expected = new Map<string, { version: number; values: Set<string> }>();
          for (const [b, list] of entries.entries()) {
            const version = (batches[b] as (typeof batches)[number]).sourceVersion;
            const last = new Map(list.map((e) => [keyOf(e), String(e.value)]));
            for (const [key, value] of last) {
              const seen = expected.get(key);
              if (!seen || seen.version < version)
                expected.set(key, { version, values: new Set([value]) });
              else if (seen.version === version) seen.values.add(value);
            }
          }
          const rows = await rowsOf(ctx.admin, p);
          expect(rows).toHaveLength(expected.size);
          for (const row of rows) {
            const want = expected.get(
              keyOf({
                metricKey: row.metric_key,
                periodStart: row.period_start,
                dimensions: row.dimensions,
              }),
            );
            expect(row.source_version).toBe(String(want?.version));
            expect(
              want?.values.has(row.value),
              `${row.value} not among ${[...(want?.values ?? [])]}`,
            ).toBe(true);
          }
        }),
        // No shrinking: a deadlock is the whole counterexample, and every attempt to shrink one
        // waits out deadlock_timeout once per cycle, which would outlast any time limit.
        { numRuns: 25, endOnFailure: true },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

/** 20 moves out of `submitted`, to every state it may go to, with an adjusted fee each time. */
const MOVES = Array.from({ length: 20 }, (_, i) => {
  const to = (['paid', 'rejected', 'adjusted'] as const)[i % 3] as ClaimState;
  return to === 'adjusted'
    ? {
        to,
        feeAssessed: formatCents(toCents('85.50') - BigInt(i + 1)),
        explanatoryCodes: ['21'],
      }
    : to === 'rejected'
      ? { to, explanatoryCodes: ['05'] }
      : { to };
});
const newClaim = {
  claimType: 'AHCIP' as const,
  healthServiceCode: '03.03A',
  dateOfService: '2026-11-02',
  feeSubmitted: '85.50',
};

/** The claim and its provider's data version, read behind the application's back. */
async function storedClaim(providerId: string, id: string) {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select c.state::text, c.fee_assessed::text, c.paid_at is not null as paid,
            (select version::text from provider_data_versions v where v.provider_id = c.provider_id)
       from claims c where c.provider_id = $1 and c.id = $2`,
    [providerId, id],
  );
  return rows[0] as { state: string; fee_assessed: string | null; paid: boolean; version: string };
}

/** What a winning move leaves in the claim. */
const footprint = (move: { to: ClaimState; feeAssessed?: string }) => ({
  state: move.to,
  fee_assessed: move.to === 'rejected' ? null : (move.feeAssessed ?? '85.50'),
  paid: move.to !== 'rejected',
});

const claimsService = () =>
  createClaimsService({
    db: wide.db,
    claims: (tx) => new ClaimsRepo(tx),
    events: new EventBus(),
    clock: { now: () => new Date('2026-11-21T18:00:00Z') },
  });

describe('concurrent transitions of one claim', () => {
  it('lets exactly one of 20 concurrent moves out of submitted win through the service; the rest are INVALID_TRANSITION and write nothing', async () => {
    const p = await createProvider(ctx.admin);
    const service = claimsService();
    for (let round = 0; round < 10; round++) {
      const { id } = await service.create(p, newClaim);
      await service.transition(p, id, { to: 'submitted' });
      const before = await storedClaim(p, id);
      const moves = shuffled(MOVES, round + 1);

      const settled = await Promise.allSettled(
        moves.map((move) => service.transition(p, id, move)),
      );

      const winners = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [moves[i]] : []));
      expect(winners).toHaveLength(1);
      const { errors } = outcomes(settled);
      expect(errors).toHaveLength(19);
      for (const error of errors) expect(error).toBeInstanceOf(InvalidTransitionError);
      const winner = winners[0] as (typeof MOVES)[number];
      expect(await storedClaim(p, id)).toEqual({
        ...footprint(winner),
        version: String(BigInt(before.version) + 1n),
      });
    }
  });

  it('lets exactly one of two conflicting moves out of rejected win through the service, ten at a time each', async () => {
    const p = await createProvider(ctx.admin);
    const service = claimsService();
    for (let round = 0; round < 10; round++) {
      const { id } = await service.create(p, newClaim);
      await service.transition(p, id, { to: 'submitted' });
      await service.transition(p, id, { to: 'rejected' });
      const moves = shuffled(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? 'submitted' : 'written_off') as ClaimState),
        round + 1,
      );

      const settled = await Promise.allSettled(
        moves.map((to) => service.transition(p, id, { to })),
      );

      const winners = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [moves[i]] : []));
      expect(winners).toHaveLength(1);
      for (const error of outcomes(settled).errors) {
        expect(error).toBeInstanceOf(InvalidTransitionError);
      }
      expect((await storedClaim(p, id)).state).toBe(winners[0]);
    }
  });

  it('answers exactly one of 20 concurrent HTTP moves out of submitted with 200 and the rest with 409 INVALID_TRANSITION; the claim shows the winner', async () => {
    const { agent, providerId } = await signUp(app);
    for (let round = 0; round < 5; round++) {
      const created = await agent.post('/api/v1/claims').send(newClaim);
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      const submitted = await agent
        .post(`/api/v1/claims/${id}/transitions`)
        .send({ to: 'submitted' });
      expect(submitted.status, submitted.text).toBe(200);
      const before = await storedClaim(providerId, id);
      const moves = shuffled(MOVES, round + 1);

      const responses = await Promise.all(
        moves.map((move) => agent.post(`/api/v1/claims/${id}/transitions`).send(move)),
      );

      const won = responses.flatMap((r, i) => (r.status === 200 ? [{ r, move: moves[i] }] : []));
      expect(won).toHaveLength(1);
      const lost = responses.filter((r) => r.status !== 200);
      expect(lost.map((r) => [r.status, r.body.error?.code])).toEqual(
        lost.map(() => [409, 'INVALID_TRANSITION']),
      );
      const { r: winner, move } = won[0] as {
        r: (typeof responses)[number];
        move: (typeof MOVES)[number];
      };
      expect(winner.body).toMatchObject({ id, state: move.to });
      const shown = await agent.get(`/api/v1/claims/${id}`);
      expect(shown.body).toMatchObject({
        state: move.to,
        feeAssessed: footprint(move).fee_assessed,
      });
      expect(await storedClaim(providerId, id)).toEqual({
        ...footprint(move),
        version: String(BigInt(before.version) + 1n),
      });
    }
  });
});
