import { claims, monthsBetween } from '@meritum/shared';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimHistory, playHistories } from '../../../../test/claim-histories';
import { useTestDatabase } from '../../../../test/db';
import { createProvider } from '../../../../test/factories';
import { asMetricMap, referenceMetrics } from '../../../../test/metrics-reference';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';
import { EventBus } from '../../../lib/events';
import { ClaimsRepo } from '../../claims/repos/claims.repo';
import { createClaimsService } from '../../claims/services/claims.service';
import { MetricsCalculator } from './metrics-calculator';

const ctx = useTestDatabase();
// Room for fast-check to shrink a failure to its smallest counterexample.
const PROPERTY_TIMEOUT_MS = 120_000;
const MONTHS = monthsBetween('2025-12-01', '2026-12-01');

function claimsService() {
  let now = new Date();
  const clock = { now: () => now, set: (at: Date) => (now = at) };
  const service = createClaimsService({
    db: ctx.db,
    claims: (tx) => new ClaimsRepo(tx),
    events: new EventBus(),
    clock,
  });
  return { service, clock };
}

const claimsOf = (providerId: string) =>
  withProviderScope(ctx.db, providerId, (tx) =>
    tx.db.select().from(claims).where(eq(claims.providerId, providerId)),
  );

/** The provider's figures for `months`, computed in a unit of work of its own. */
const compute = (providerId: string, months: readonly string[], database: Database = ctx.db) =>
  withProviderScope(database, providerId, (tx) => new MetricsCalculator(tx).compute(months));

describe('MetricsCalculator', () => {
  it('computes every v1 metric under every dimension set for a worked example', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = claimsService();
    await playHistories(service, clock, p, [
      {
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: '2026-03-02',
        feeSubmitted: '40.00',
        steps: [
          { to: 'submitted', at: new Date('2026-03-03T16:00:00Z') },
          { to: 'paid', at: new Date('2026-04-01T05:00:00Z') }, // 31 March, 23:00 in Edmonton
        ],
      },
      {
        claimType: 'AHCIP',
        healthServiceCode: '03.04A',
        dateOfService: '2026-03-20',
        feeSubmitted: '100.10',
        steps: [
          { to: 'submitted', at: new Date('2026-03-21T16:00:00Z') },
          { to: 'rejected', at: new Date('2026-03-25T16:00:00Z'), explanatoryCodes: ['32', 'H40'] },
        ],
      },
      {
        claimType: 'WCB',
        healthServiceCode: '03.03A',
        dateOfService: '2026-03-31',
        feeSubmitted: '55.55',
        steps: [{ to: 'submitted', at: new Date('2026-04-01T16:00:00Z') }],
      },
      {
        claimType: 'WCB',
        healthServiceCode: '03.03A',
        dateOfService: '2026-03-15',
        feeSubmitted: '999.99',
        steps: [], // a draft counts nowhere
      },
    ]);

    const { entries, sourceVersion } = await compute(p, ['2026-03-01', '2026-04-01']);
    const got = asMetricMap(entries);

    expect(sourceVersion).toBe('9');
    expect(Object.fromEntries(got)).toEqual({
      'claims_count|2026-03-01|{}': '3',
      'claims_count|2026-03-01|{"claim_type":"AHCIP"}': '2',
      'claims_count|2026-03-01|{"claim_type":"WCB"}': '1',
      'claims_count|2026-03-01|{"claim_type":"AHCIP","health_service_code":"03.03A"}': '1',
      'claims_count|2026-03-01|{"claim_type":"AHCIP","health_service_code":"03.04A"}': '1',
      'claims_count|2026-03-01|{"claim_type":"WCB","health_service_code":"03.03A"}': '1',
      'billed_amount|2026-03-01|{}': '195.65',
      'billed_amount|2026-03-01|{"claim_type":"AHCIP"}': '140.10',
      'billed_amount|2026-03-01|{"claim_type":"WCB"}': '55.55',
      'billed_amount|2026-03-01|{"claim_type":"AHCIP","health_service_code":"03.03A"}': '40.00',
      'billed_amount|2026-03-01|{"claim_type":"AHCIP","health_service_code":"03.04A"}': '100.10',
      'billed_amount|2026-03-01|{"claim_type":"WCB","health_service_code":"03.03A"}': '55.55',
      'rejected_count|2026-03-01|{}': '1',
      'rejected_count|2026-03-01|{"claim_type":"AHCIP"}': '1',
      'rejected_count|2026-03-01|{"claim_type":"WCB"}': '0',
      // Refused under two codes: counted once under each.
      'rejected_count|2026-03-01|{"claim_type":"AHCIP","explanatory_code":"32"}': '1',
      'rejected_count|2026-03-01|{"claim_type":"AHCIP","explanatory_code":"H40"}': '1',
      'rejected_amount|2026-03-01|{}': '100.10',
      'rejected_amount|2026-03-01|{"claim_type":"AHCIP"}': '100.10',
      'rejected_amount|2026-03-01|{"claim_type":"WCB"}': '0.00',
      'rejected_amount|2026-03-01|{"claim_type":"AHCIP","explanatory_code":"32"}': '100.10',
      'rejected_amount|2026-03-01|{"claim_type":"AHCIP","explanatory_code":"H40"}': '100.10',
      'assessed_count|2026-03-01|{}': '2',
      'assessed_count|2026-03-01|{"claim_type":"AHCIP"}': '2',
      'assessed_count|2026-03-01|{"claim_type":"WCB"}': '0',
      'pending_amount|2026-03-01|{}': '55.55',
      'pending_amount|2026-03-01|{"claim_type":"AHCIP"}': '0.00',
      'pending_amount|2026-03-01|{"claim_type":"WCB"}': '55.55',
      // Paid at 23:00 on 31 March in Edmonton (05:00 UTC on 1 April): a March payment, 28 days.
      'paid_count|2026-03-01|{}': '1',
      'paid_count|2026-03-01|{"claim_type":"AHCIP"}': '1',
      'paid_amount|2026-03-01|{}': '40.00',
      'paid_amount|2026-03-01|{"claim_type":"AHCIP"}': '40.00',
      'days_to_payment_sum|2026-03-01|{}': '28',
      'days_to_payment_sum|2026-03-01|{"claim_type":"AHCIP"}': '28',
      'adjustment_loss|2026-03-01|{}': '0.00',
      'adjustment_loss|2026-03-01|{"claim_type":"AHCIP"}': '0.00',
    });
    expect(
      entries.every(
        (e) => e.sourceVersion === '9' && e.periodEnd === `${e.periodStart.slice(0, 7)}-31`,
      ),
    ).toBe(true);
  });

  it('counts what adjustments took by payment month under each code, negative when paid more', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = claimsService();
    const adjusted = (fee: string, paid: string, codes: string[], at: string) => ({
      claimType: 'WCB' as const,
      healthServiceCode: 'W100',
      dateOfService: '2026-02-10',
      feeSubmitted: fee,
      steps: [
        { to: 'submitted', at: new Date('2026-02-11T16:00:00Z') },
        { to: 'adjusted', at: new Date(at), feeAssessed: paid, explanatoryCodes: codes },
      ],
    });
    await playHistories(service, clock, p, [
      adjusted('120.00', '100.00', ['21'], '2026-03-01T06:59:00Z'), // 28 Feb, 23:59 in Edmonton
      adjusted('50.00', '35.50', ['21', 'W7'], '2026-03-01T07:00:00Z'), // 1 March, 00:00
      adjusted('10.00', '12.00', ['W7'], '2026-03-05T16:00:00Z'), // paid two dollars more
    ]);
    const got = asMetricMap((await compute(p, ['2026-02-01', '2026-03-01'])).entries);
    const loss = [...got].filter(([key]) => key.startsWith('adjustment_loss|'));
    expect(Object.fromEntries(loss)).toEqual({
      'adjustment_loss|2026-02-01|{}': '20.00',
      'adjustment_loss|2026-02-01|{"claim_type":"WCB"}': '20.00',
      'adjustment_loss|2026-02-01|{"claim_type":"WCB","explanatory_code":"21"}': '20.00',
      'adjustment_loss|2026-03-01|{}': '12.50',
      'adjustment_loss|2026-03-01|{"claim_type":"WCB"}': '12.50',
      'adjustment_loss|2026-03-01|{"claim_type":"WCB","explanatory_code":"21"}': '14.50',
      'adjustment_loss|2026-03-01|{"claim_type":"WCB","explanatory_code":"W7"}': '12.50',
    });
  });

  it('buckets outstanding claims by whole Edmonton days since submission, on every boundary and across a DST change', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = claimsService();
    // As of Wednesday 15 April 2026 in Edmonton (MDT); clocks went forward on 8 March, so the
    // older claims were submitted in MST. Each is submitted at 23:30 or 00:30 local time, where
    // the UTC date differs from the Edmonton one.
    const submitted = (day: string, utc: string, then: string[] = []) => ({
      claimType: 'AHCIP' as const,
      healthServiceCode: '03.03A',
      dateOfService: '2026-01-02',
      feeSubmitted: '10.00',
      steps: [
        { to: 'submitted', at: new Date(utc) },
        ...then.map((to) => ({
          to,
          at: new Date(utc),
          ...(to === 'rejected' ? { explanatoryCodes: ['32'] } : {}),
        })),
      ],
      day,
    });
    const claims = [
      submitted('2026-03-16', '2026-03-17T05:30:00Z'), // 30 days: 23:30 MDT on 16 March
      submitted('2026-03-15', '2026-03-15T06:30:00Z'), // 31 days: 00:30 MDT on 15 March
      submitted('2026-02-14', '2026-02-15T06:30:00Z'), // 60 days: 23:30 MST on 14 February
      submitted('2026-02-13', '2026-02-13T07:30:00Z', ['rejected']), // 61 days, refused
      submitted('2026-01-15', '2026-01-16T06:30:00Z'), // 90 days
      submitted('2026-01-14', '2026-01-14T07:30:00Z', ['rejected']), // 91 days, refused
      submitted('2026-01-14', '2026-01-14T07:30:00Z', ['paid']), // paid: not outstanding
      submitted('2026-01-14', '2026-01-14T07:30:00Z', ['rejected', 'written_off']), // written off
    ];
    await playHistories(
      service,
      clock,
      p,
      claims.map(({ day: _, ...claim }) => claim),
    );
    const { entries } = await withProviderScope(ctx.db, p, (tx) =>
      new MetricsCalculator(tx).compute([], '2026-04-15'),
    );
    expect(
      entries.every((e) => e.periodStart === '2026-04-15' && e.periodEnd === '2026-04-15'),
    ).toBe(true);
    const counts = Object.fromEntries(
      [...asMetricMap(entries)].filter(
        ([key]) => key.startsWith('outstanding_count|') && !key.includes('claim_type'),
      ),
    );
    expect(counts).toEqual({
      'outstanding_count|2026-04-15|{"age_bucket":"0-30"}': '1',
      'outstanding_count|2026-04-15|{"age_bucket":"31-60"}': '2',
      'outstanding_count|2026-04-15|{"age_bucket":"61-90"}': '2',
      'outstanding_count|2026-04-15|{"age_bucket":"90+"}': '1',
    });
    expect(asMetricMap(entries)).toEqual(referenceMetrics(await claimsOf(p), [], '2026-04-15'));
  });

  it(
    'equals the reference for the outstanding figures of random histories on any day',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(claimHistory, { maxLength: 10 }),
          fc.integer({ min: 0, max: 200 }),
          async (histories, offset) => {
            const p = await createProvider(ctx.admin);
            const { service, clock } = claimsService();
            await playHistories(service, clock, p, histories);
            const asOf = new Date(Date.UTC(2026, 1, 1 + offset)).toISOString().slice(0, 10);
            const { entries } = await withProviderScope(ctx.db, p, (tx) =>
              new MetricsCalculator(tx).compute(MONTHS, asOf),
            );
            expect(asMetricMap(entries)).toEqual(referenceMetrics(await claimsOf(p), MONTHS, asOf));
          },
        ),
        { numRuns: 30 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('reads claims and data version in one statement, so in one snapshot, rows or none', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = claimsService();
    await playHistories(service, clock, p, [
      {
        claimType: 'WCB',
        healthServiceCode: 'W100',
        dateOfService: '2026-05-05',
        feeSubmitted: '5.00',
        steps: [],
      },
    ]);

    // On a client of its own, the scope opens through Drizzle, whose logger then sees every
    // statement (on the pool, BEGIN and SET LOCAL go behind Drizzle's back).
    const client = await ctx.pool.connect();
    const statements: string[] = [];
    let computed: Awaited<ReturnType<typeof compute>>;
    try {
      const logged = drizzle({ client, logger: { logQuery: (q) => statements.push(q) } });
      // A month with no metric rows (a draft only) is exactly when a second read slipped in.
      computed = await compute(p, ['2026-05-01'], logged);
    } finally {
      client.release();
    }

    expect(computed).toEqual({ sourceVersion: '1', entries: [] });
    const reads = statements.filter(
      (q) => !/^(begin|commit|set local app\.provider_id)/.test(q.trim()),
    );
    expect(statements.some((q) => /^set local app\.provider_id/.test(q.trim()))).toBe(true);
    expect(reads).toHaveLength(1);
  });

  it('computes nothing for months without claims, and reads the version even then', async () => {
    const p = await createProvider(ctx.admin);
    expect(await compute(p, ['2026-01-01'])).toEqual({
      sourceVersion: '0',
      entries: [],
    });
  });

  it("never reads another provider's claims", async () => {
    const mine = await createProvider(ctx.admin);
    const theirs = await createProvider(ctx.admin);
    const { service, clock } = claimsService();
    await playHistories(service, clock, theirs, [
      {
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: '2026-03-02',
        feeSubmitted: '40.00',
        steps: [{ to: 'submitted', at: new Date('2026-03-03T16:00:00Z') }],
      },
    ]);
    expect((await compute(mine, MONTHS)).entries).toEqual([]);
  });

  it(
    'equals the plain-TypeScript reference for random claim histories',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(claimHistory, { maxLength: 12 }), async (histories) => {
          const p = await createProvider(ctx.admin);
          const { service, clock } = claimsService();
          await playHistories(service, clock, p, histories);
          const { entries } = await compute(p, MONTHS);
          expect(asMetricMap(entries)).toEqual(referenceMetrics(await claimsOf(p), MONTHS));
        }),
        { numRuns: 40 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
