import { createHash } from 'node:crypto';
import type { CacheFigure } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { dashboardFigures, FIGURES_FORMAT } from './dashboard-breakdowns';

const row = (
  metricKey: string,
  periodStart: string,
  dimensions: Record<string, string>,
  value: string,
): CacheFigure => ({ metricKey, periodStart, dimensions, value }) as CacheFigure;

/** A quarter with every kind of row the dashboard sums: totals, codes, reasons, ages. */
const QUARTER = {
  rows: [
    row('claims_count', '2026-07-01', {}, '3'),
    row('billed_amount', '2026-07-01', {}, '285.50'),
    row('assessed_count', '2026-07-01', {}, '2'),
    row('rejected_count', '2026-07-01', {}, '1'),
    row('rejected_amount', '2026-07-01', {}, '100.00'),
    row('paid_count', '2026-08-01', {}, '1'),
    row('paid_amount', '2026-08-01', {}, '80.25'),
    row('days_to_payment_sum', '2026-08-01', {}, '17'),
    row('adjustment_loss', '2026-08-01', {}, '5.25'),
    row('pending_amount', '2026-09-01', {}, '100.00'),
    row('claims_count', '2026-07-01', { claim_type: 'AHCIP', health_service_code: '03.03A' }, '2'),
    row(
      'billed_amount',
      '2026-07-01',
      { claim_type: 'AHCIP', health_service_code: '03.03A' },
      '185.50',
    ),
    row('rejected_count', '2026-07-01', { claim_type: 'AHCIP', explanatory_code: 'MA08' }, '1'),
    row(
      'rejected_amount',
      '2026-07-01',
      { claim_type: 'AHCIP', explanatory_code: 'MA08' },
      '100.00',
    ),
    row('adjustment_loss', '2026-08-01', { claim_type: 'AHCIP', explanatory_code: 'AA' }, '5.25'),
  ],
  previous: [
    { metricKey: 'claims_count', value: '2' },
    { metricKey: 'billed_amount', value: '150.00' },
  ] as Array<Pick<CacheFigure, 'metricKey' | 'value'>>,
  outstanding: [
    row('outstanding_count', '2026-09-20', { age_bucket: '0-30' }, '1'),
    row('outstanding_amount', '2026-09-20', { age_bucket: '0-30' }, '100.00'),
    row('outstanding_count', '2026-09-20', { age_bucket: '90+' }, '1'),
    row('outstanding_amount', '2026-09-20', { age_bucket: '90+' }, '40.00'),
  ],
  outstandingAsOf: '2026-09-20',
  months: ['2026-07-01', '2026-08-01', '2026-09-01'],
  previousPeriod: { start: '2026-04-01', end: '2026-06-30' },
  claimType: undefined,
};

/**
 * What this format assembles from QUARTER. Kept figures are served by format: whoever changes
 * what dashboardFigures answers changes the digest, and must raise FIGURES_FORMAT with it, or
 * a release would serve figures another release assembled.
 */
const ASSEMBLED = {
  format: 1,
  digest: '9ef161fed3656481bee62dac84517954e5fe81d3daefc7f2605d151ca4904ce0',
};

describe('dashboardFigures', () => {
  it('answers the figures its format names: a change to them raises FIGURES_FORMAT', () => {
    const figures = dashboardFigures(QUARTER);
    expect(figures.metrics).toMatchObject({ claimsCount: 3, billedAmount: '285.50' });
    expect(figures.refusals.map((r) => r.explanatoryCode)).toEqual(['MA08']);
    expect(figures.outstanding.total).toMatchObject({ claimsCount: 2, amount: '140.00' });
    const digest = createHash('sha256').update(JSON.stringify(figures)).digest('hex');
    expect({ format: FIGURES_FORMAT, digest }).toEqual(ASSEMBLED);
  });
});
