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

/** What each format assembles from QUARTER, its AHCIP claims and an empty quarter. */
const assembled = () =>
  JSON.stringify([
    dashboardFigures(QUARTER),
    dashboardFigures({ ...QUARTER, claimType: 'AHCIP' }),
    dashboardFigures({ ...QUARTER, rows: [], previous: [], outstanding: [] }),
  ]);

/**
 * The digest of `assembled()` in each format, one entry per format, never edited: figures are
 * kept by format, so whoever changes what dashboardFigures answers raises FIGURES_FORMAT and adds
 * its digest here, or a release would serve figures another release assembled.
 */
const DIGESTS: Readonly<Record<number, string>> = {
  1: '1610f3fb503a7d654c2ba65df1570686c158144d508e3a27fbe1e9111c3ccab4',
};

describe('dashboardFigures', () => {
  it('answers the figures its format names: a change to them raises FIGURES_FORMAT', () => {
    const figures = dashboardFigures(QUARTER);
    expect(figures.metrics).toMatchObject({ claimsCount: 3, billedAmount: '285.50' });
    expect(figures.refusals.map((r) => r.explanatoryCode)).toEqual(['MA08']);
    expect(figures.outstanding.total).toMatchObject({ claimsCount: 2, amount: '140.00' });
    const digest = createHash('sha256').update(assembled()).digest('hex');
    expect({ format: FIGURES_FORMAT, digest }).toEqual({
      format: FIGURES_FORMAT,
      digest: DIGESTS[FIGURES_FORMAT],
    });
    const earlier = Object.entries(DIGESTS).filter(([format]) => Number(format) < FIGURES_FORMAT);
    expect(earlier.map(([, d]) => d)).not.toContain(digest);
  });
});
