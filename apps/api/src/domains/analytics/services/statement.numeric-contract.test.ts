import { toCents } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { readPdf, readStatementCsv } from '../../../../test/statement-files';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);

const MAX_FEE = '9999999999.99'; // numeric(12,2) at its largest
const at = (date: string) => `${date} 12:00:00 America/Edmonton`;

/**
 * A fixed data set whose billed total passes 2^53 cents, where a float would drop cents:
 *   A  5,000 AHCIP 03.03A, served Jan 15, fee 9,999,999,999.99, submitted Jan 20, paid in full Feb 19
 *   B  4,000 AHCIP 03.04A, served Feb 10, fee 9,999,999,999.99, submitted Feb 11, adjusted to
 *      9,000,000,000.00 and paid Mar 13
 *   C  2,000 WCB C568, served Feb 20, fee 1,234,567,890.12, submitted, not yet assessed
 *   D  1,000 WCB 03.01, served Mar 5, fee 0.01, rejected Mar 20
 *   E    500 AHCIP 03.03A drafts, served Jan 16, fee 9,999,999,999.99: counted nowhere
 */
async function fixedClaims(providerId: string) {
  const groups: Array<
    [number, string, string, string, string, string | null, string, ...(string | null)[]]
  > = [
    [
      5000,
      'AHCIP',
      '03.03A',
      '2026-01-15',
      MAX_FEE,
      MAX_FEE,
      'paid',
      at('2026-01-20'),
      at('2026-02-19'),
      at('2026-02-19'),
    ],
    [
      4000,
      'AHCIP',
      '03.04A',
      '2026-02-10',
      MAX_FEE,
      '9000000000.00',
      'adjusted',
      at('2026-02-11'),
      at('2026-03-13'),
      at('2026-03-13'),
    ],
    [
      2000,
      'WCB',
      'C568',
      '2026-02-20',
      '1234567890.12',
      null,
      'submitted',
      at('2026-02-21'),
      null,
      null,
    ],
    [
      1000,
      'WCB',
      '03.01',
      '2026-03-05',
      '0.01',
      null,
      'rejected',
      at('2026-03-06'),
      at('2026-03-20'),
      null,
    ],
    [500, 'AHCIP', '03.03A', '2026-01-16', MAX_FEE, null, 'draft', null, null, null],
  ];
  for (const [count, ...values] of groups) {
    await ownerQuery(
      ctx.admin,
      providerId,
      `insert into claims (provider_id, claim_type, health_service_code, date_of_service,
         fee_submitted, fee_assessed, state, submitted_at, assessed_at, paid_at)
       select $1, $2::claim_type, $3, $4::date, $5::numeric, $6::numeric, $7::claim_state,
              $8::timestamptz, $9::timestamptz, $10::timestamptz
       from generate_series(1, $11::int)`,
      [providerId, ...values, count],
    );
  }
}

// Written down by hand from the data set above, not computed by any code under test.
const none = { paidAmount: '0.00', paidCount: 0, avgDaysToPayment: null };
const EXPECTED = {
  metrics: {
    claimsCount: 12000,
    billedAmount: '92469135780160.00', // 9000 × 9,999,999,999.99 + 2000 × 1,234,567,890.12 + 10.00
    paidAmount: '85999999999950.00', // 5000 × 9,999,999,999.99 + 4000 × 9,000,000,000.00
    paidCount: 9000,
    rejectedCount: 1000,
    assessedCount: 10000,
    pendingAmount: '2469135780240.00',
    rejectionRate: '0.1000',
    avgDaysToPayment: '30.0000', // every payment 30 days after its submission
  },
  monthly: [
    {
      month: '2026-01-01',
      claimsCount: 5000,
      billedAmount: '49999999999950.00',
      rejectedCount: 0,
      assessedCount: 5000,
      pendingAmount: '0.00',
      rejectionRate: '0.0000',
      ...none,
    },
    {
      month: '2026-02-01',
      claimsCount: 6000,
      billedAmount: '42469135780200.00',
      paidAmount: '49999999999950.00',
      paidCount: 5000,
      rejectedCount: 0,
      assessedCount: 4000,
      pendingAmount: '2469135780240.00',
      rejectionRate: '0.0000',
      avgDaysToPayment: '30.0000',
    },
    {
      month: '2026-03-01',
      claimsCount: 1000,
      billedAmount: '10.00',
      paidAmount: '36000000000000.00',
      paidCount: 4000,
      rejectedCount: 1000,
      assessedCount: 1000,
      pendingAmount: '0.00',
      rejectionRate: '1.0000',
      avgDaysToPayment: '30.0000',
    },
  ],
  topHealthServiceCodes: [
    { healthServiceCode: '03.03A', claimsCount: 5000, billedAmount: '49999999999950.00' },
    { healthServiceCode: '03.04A', claimsCount: 4000, billedAmount: '39999999999960.00' },
    { healthServiceCode: 'C568', claimsCount: 2000, billedAmount: '2469135780240.00' },
    { healthServiceCode: '03.01', claimsCount: 1000, billedAmount: '10.00' },
  ],
};

describe('the numeric contract of statements', () => {
  it('freezes and exports figures past 2^53 cents exactly, to the cent', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await fixedClaims(p);
    expect(toCents(EXPECTED.metrics.billedAmount) > 2n ** 53n).toBe(true);

    const statement = await h.analytics.statements.create(p, {
      period: 'custom',
      start: '2026-01-01',
      end: '2026-03-31',
    });

    expect(statement.figures).toEqual(EXPECTED);
    const csv = await h.analytics.statementExports.exportStatement(
      p,
      '00000000-0000-4000-8000-000000000001',
      statement.id,
      'csv',
    );
    expect(readStatementCsv(csv.bytes).figures).toEqual(EXPECTED);
    const pdf = await h.analytics.statementExports.exportStatement(
      p,
      '00000000-0000-4000-8000-000000000001',
      statement.id,
      'pdf',
    );
    const text = (await readPdf(pdf.bytes)).pages.join('\n');
    for (const amount of [
      '$92,469,135,780,160.00',
      '$85,999,999,999,950.00',
      '$42,469,135,780,200.00',
    ]) {
      expect(text).toContain(amount);
    }
  });

  it('gives the WCB claims alone their own exact totals', async () => {
    const h = harness();
    const p = await createProvider(ctx.admin);
    await fixedClaims(p);

    const statement = await h.analytics.statements.create(p, {
      period: 'custom',
      start: '2026-01-01',
      end: '2026-03-31',
      claimType: 'WCB',
    });

    expect(statement.figures.metrics).toEqual({
      claimsCount: 3000,
      billedAmount: '2469135780250.00',
      paidAmount: '0.00',
      paidCount: 0,
      rejectedCount: 1000,
      assessedCount: 1000,
      pendingAmount: '2469135780240.00',
      rejectionRate: '1.0000',
      avgDaysToPayment: null,
    });
    expect(statement.figures.topHealthServiceCodes.map((c) => c.healthServiceCode)).toEqual([
      'C568',
      '03.01',
    ]);
  });
});
