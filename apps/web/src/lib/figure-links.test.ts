import {
  CLAIM_TYPES,
  type ClaimState,
  type ClaimType,
  OUTSTANDING_BUCKETS,
} from '@meritum/shared/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClaimsFilter, claimsHref, filterFromSearch, searchFromFilter } from './claims-filter';
import {
  adjustmentClaims,
  type FigureScope,
  type MetricKey,
  metricClaims,
  monthClaims,
  monthPeriod,
  outstandingClaims,
  refusalClaims,
  topCodeClaims,
} from './figure-links';

const Q3: FigureScope['period'] = { start: '2026-07-01', end: '2026-09-30' };
const served = { serviceFrom: '2026-07-01', serviceTo: '2026-09-30' };
const paidInQ3 = { paidFrom: '2026-07-01', paidTo: '2026-09-30' };

const BILLED: ClaimState[] = ['submitted', 'paid', 'adjusted', 'rejected', 'written_off'];
const PAID: ClaimState[] = ['paid', 'adjusted'];
const REFUSED: ClaimState[] = ['rejected', 'written_off'];

/** A filter read back from its own link, as the claims page reads it. */
function throughTheUrl(filter: ClaimsFilter): ClaimsFilter {
  const url = new URL(claimsHref(filter), 'http://meritum.test');
  const read = filterFromSearch(url.searchParams);
  if (!read.ok) throw new Error(read.problem);
  return read.filter;
}

describe('the claims behind each KPI', () => {
  it.each<[MetricKey, ClaimsFilter]>([
    ['claimsCount', { ...served, state: BILLED }],
    ['billedAmount', { ...served, state: BILLED }],
    ['paidCount', { ...paidInQ3, state: PAID }],
    ['paidAmount', { ...paidInQ3, state: PAID }],
    ['avgDaysToPayment', { ...paidInQ3, state: PAID }],
    ['rejectedCount', { ...served, state: REFUSED }],
    ['rejectionRate', { ...served, state: REFUSED }],
    ['assessedCount', { ...served, state: ['paid', 'adjusted', 'rejected', 'written_off'] }],
    ['pendingAmount', { ...served, state: ['submitted'] }],
  ])('leads %s to the claims it counts', (metric, expected) => {
    expect(metricClaims(metric, { period: Q3 })).toEqual(expected);
  });

  it('keeps the dashboard’s claim type, and leaves it out for all claims', () => {
    expect(metricClaims('billedAmount', { period: Q3, claimType: 'WCB' })).toEqual({
      ...served,
      claimType: 'WCB',
      state: BILLED,
    });
    expect(metricClaims('billedAmount', { period: Q3, claimType: undefined })).not.toHaveProperty(
      'claimType',
    );
  });

  it('writes a link the claims page reads back to the same filter, states repeated', () => {
    const filter = metricClaims('rejectionRate', { period: Q3, claimType: 'AHCIP' });

    expect(claimsHref(filter)).toBe(
      '/claims?serviceFrom=2026-07-01&serviceTo=2026-09-30&claimType=AHCIP&state=rejected&state=written_off',
    );
    expect(throughTheUrl(filter)).toEqual(filter);
  });
});

describe('the claims behind a month of the monthly table', () => {
  it('spans the month from its first day to its last, leap years included', () => {
    expect(monthPeriod('2026-02-01')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(monthPeriod('2028-02-01')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(monthPeriod('2026-12-01')).toEqual({ start: '2026-12-01', end: '2026-12-31' });
  });

  it('bills by month of service and pays by month of payment, of the claim type shown', () => {
    expect(monthClaims('claimsCount', '2026-08-01', 'WCB')).toEqual({
      serviceFrom: '2026-08-01',
      serviceTo: '2026-08-31',
      claimType: 'WCB',
      state: BILLED,
    });
    expect(monthClaims('paidAmount', '2026-08-01')).toEqual({
      paidFrom: '2026-08-01',
      paidTo: '2026-08-31',
      state: PAID,
    });
  });
});

describe('the claims behind a code or a bucket', () => {
  it('leads a top health service code to the claims it billed', () => {
    expect(topCodeClaims('03.03A', { period: Q3, claimType: 'AHCIP' })).toEqual({
      ...served,
      claimType: 'AHCIP',
      state: BILLED,
      healthServiceCode: '03.03A',
    });
  });

  it('leads a refusal code to the claims refused with it, by date of service', () => {
    expect(refusalClaims('05', { period: Q3 })).toEqual({
      ...served,
      state: REFUSED,
      explanatoryCode: '05',
    });
    expect(throughTheUrl(refusalClaims('none', { period: Q3 })).explanatoryCode).toBe('none');
  });

  it('leads an adjustment code to the claims adjusted with it, by date of payment', () => {
    expect(adjustmentClaims('21', { period: Q3, claimType: 'AHCIP' })).toEqual({
      ...paidInQ3,
      claimType: 'AHCIP',
      state: ['adjusted'],
      explanatoryCode: '21',
    });
  });

  it('leads an outstanding bucket to its claims whatever the period, 90+ escaped', () => {
    expect(outstandingClaims('31-60')).toEqual({ outstanding: '31-60' });
    expect(outstandingClaims('90+', 'WCB')).toEqual({ claimType: 'WCB', outstanding: '90+' });
    expect(claimsHref(outstandingClaims('90+'))).toBe('/claims?outstanding=90%2B');
    expect(throughTheUrl(outstandingClaims('90+')).outstanding).toBe('90+');
  });
});

describe('every figure link', () => {
  const day = fc
    .record({
      year: fc.integer({ min: 2000, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
    })
    .map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}-01`);
  const scope = fc
    .record({
      first: day,
      months: fc.integer({ min: 0, max: 23 }),
      claimType: fc.constantFrom<ClaimType | undefined>(undefined, ...CLAIM_TYPES),
    })
    .map(({ first, months, claimType }): FigureScope => {
      const [y = 0, m = 0] = first.split('-').map(Number);
      const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).toISOString().slice(0, 10);
      return { period: { start: first, end: last }, claimType };
    });
  const code = fc.stringMatching(/^[0-9A-Z]{1,6}$/);
  const metric = fc.constantFrom<MetricKey>(
    'claimsCount',
    'billedAmount',
    'paidCount',
    'paidAmount',
    'avgDaysToPayment',
    'rejectedCount',
    'rejectionRate',
    'assessedCount',
    'pendingAmount',
  );
  const figure = fc.oneof(
    fc.tuple(metric, scope).map(([m, s]) => metricClaims(m, s)),
    fc.tuple(metric, day).map(([m, d]) => monthClaims(m, d)),
    fc.tuple(code, scope).map(([c, s]) => refusalClaims(c, s)),
    fc.tuple(code, scope).map(([c, s]) => adjustmentClaims(c, s)),
    fc
      .tuple(fc.stringMatching(/^[0-9A-Z][0-9A-Z.]{0,9}$/), scope)
      .map(([c, s]) => topCodeClaims(c, s)),
    fc.constantFrom(...OUTSTANDING_BUCKETS).map((b) => outstandingClaims(b)),
  );

  it('is a filter the API accepts, read back unchanged, with one address', () => {
    fc.assert(
      fc.property(figure, (filter) => {
        const read = throughTheUrl(filter);
        expect(read).toEqual(filter);
        expect(searchFromFilter(read)).toBe(searchFromFilter(filter));
      }),
    );
  });
});
