import {
  addMonths,
  CLAIM_TYPES,
  type ClaimType,
  DashboardQuery,
  daysInMonth,
  formatDate,
  PERIOD_OPTIONS,
  type PeriodOption,
} from '@meritum/shared/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, queryFromSearch, searchFromQuery } from './dashboard-query';
import { customRangeProblem } from './period-options';

const fromSearch = (search: string) => queryFromSearch(new URLSearchParams(search));
const roundTrip = (query: DashboardQuery) => fromSearch(searchFromQuery(query));

const withClaimType = (query: DashboardQuery, claimType: ClaimType | undefined): DashboardQuery =>
  claimType ? { ...query, claimType } : query;

/** One query per period option, a custom one with a range of dates. */
const queryFor = (period: PeriodOption): DashboardQuery =>
  period === 'custom' ? { period, start: '2026-01-15', end: '2026-03-10' } : { period };

const everyQuery = PERIOD_OPTIONS.flatMap((period) =>
  [undefined, ...CLAIM_TYPES].map((claimType) => ({
    label: `${period} ${claimType ?? 'all claims'}`,
    query: withClaimType(queryFor(period), claimType),
  })),
);

// A date 1901-2996, so that a few months either side stay within the dates IsoDate accepts.
const date = fc
  .record({ year: fc.integer({ min: 1901, max: 2996 }), month: fc.integer({ min: 1, max: 12 }) })
  .chain(({ year, month }) =>
    fc.integer({ min: 1, max: daysInMonth(year, month) }).map((day) => ({ year, month, day })),
  );

/** A valid custom range: end on or after start, at most 24 calendar months inclusive. */
const validRange = date.chain((start) =>
  fc.integer({ min: 0, max: 23 }).chain((offset) => {
    const end = addMonths(start.year, start.month, offset);
    const firstDay = offset === 0 ? start.day : 1;
    return fc
      .integer({ min: firstDay, max: daysInMonth(end.year, end.month) })
      .map((day) => ({ start: formatDate(start), end: formatDate({ ...end, day }) }));
  }),
);

/** A range near the limits: end a little before start, up to a little past 24 months. */
const nearbyRange = date.chain((start) =>
  fc.integer({ min: -2, max: 26 }).chain((offset) => {
    const end = addMonths(start.year, start.month, offset);
    return fc
      .integer({ min: 1, max: daysInMonth(end.year, end.month) })
      .map((day) => ({ start: formatDate(start), end: formatDate({ ...end, day }) }));
  }),
);

const claimType = fc.option(fc.constantFrom(...CLAIM_TYPES), { nil: undefined });

const validQuery: fc.Arbitrary<DashboardQuery> = fc
  .tuple(fc.constantFrom(...PERIOD_OPTIONS), validRange, claimType)
  .map(([period, range, type]) =>
    withClaimType(period === 'custom' ? { period, ...range } : { period }, type),
  );

describe('queryFromSearch and searchFromQuery', () => {
  it.each(everyQuery)('round-trip the query $label', ({ query }) => {
    expect(roundTrip(query)).toEqual(query);
  });

  it('round-trip any valid query, custom ranges of up to 24 months included', () => {
    fc.assert(
      fc.property(validQuery, (query) => {
        expect(roundTrip(query)).toEqual(query);
      }),
    );
  });

  it('write the period, then a custom range, then the claim type', () => {
    expect(searchFromQuery({ period: 'last_12_months' })).toBe('period=last_12_months');
    expect(searchFromQuery({ period: 'this_month', claimType: 'AHCIP' })).toBe(
      'period=this_month&claimType=AHCIP',
    );
    expect(
      searchFromQuery({
        period: 'custom',
        start: '2026-01-15',
        end: '2026-03-10',
        claimType: 'WCB',
      }),
    ).toBe('period=custom&start=2026-01-15&end=2026-03-10&claimType=WCB');
  });

  it('write start and end only for a custom period', () => {
    expect(
      searchFromQuery({ period: 'this_quarter', start: '2026-01-01', end: '2026-03-31' }),
    ).toBe('period=this_quarter');
  });

  it('write a custom period without both dates as the bare period, which reads back as the default', () => {
    expect(searchFromQuery({ period: 'custom', start: '2026-01-01' })).toBe('period=custom');
    expect(fromSearch('period=custom')).toEqual(DEFAULT_QUERY);
  });

  it('keep a custom range of exactly 24 calendar months, counted by month', () => {
    expect(fromSearch('period=custom&start=2024-02-01&end=2026-01-31')).toEqual({
      period: 'custom',
      start: '2024-02-01',
      end: '2026-01-31',
    });
    expect(fromSearch('period=custom&start=2024-01-31&end=2025-12-01')).toEqual({
      period: 'custom',
      start: '2024-01-31',
      end: '2025-12-01',
    });
  });

  it('keep a custom range of a single day', () => {
    expect(fromSearch('period=custom&start=2026-03-10&end=2026-03-10')).toEqual({
      period: 'custom',
      start: '2026-03-10',
      end: '2026-03-10',
    });
  });

  it('read parameters in any order', () => {
    expect(fromSearch('claimType=WCB&end=2026-03-10&start=2026-01-15&period=custom')).toEqual({
      period: 'custom',
      start: '2026-01-15',
      end: '2026-03-10',
      claimType: 'WCB',
    });
  });

  it.each([
    ['no parameters at all', ''],
    ['an unknown period', 'period=bogus'],
    ['an empty period', 'period='],
    ['a period named in capitals', 'PERIOD=this_month'],
    ['an unknown claim type', 'period=this_month&claimType=XYZ'],
    ['a claim type in lower case', 'period=this_month&claimType=ahcip'],
    ['a claim type without a period', 'claimType=WCB'],
    ['a custom period without dates', 'period=custom'],
    ['a custom period without an end', 'period=custom&start=2026-01-01'],
    ['a custom period without a start', 'period=custom&end=2026-01-31'],
    ['a custom period ending before it starts', 'period=custom&start=2026-03-01&end=2026-02-28'],
    ['a custom period of 25 calendar months', 'period=custom&start=2024-01-01&end=2026-01-31'],
    ['a custom period of 25 months by a day', 'period=custom&start=2024-01-31&end=2026-01-01'],
    ['an impossible date', 'period=custom&start=2026-02-01&end=2026-02-30'],
    ['a date not written YYYY-MM-DD', 'period=custom&start=2026-1-1&end=2026-03-31'],
    ['a date before 1900', 'period=custom&start=1899-12-01&end=1900-01-31'],
    ['a start with a period that is not custom', 'period=this_month&start=2026-01-01'],
    [
      'a range with a period that is not custom',
      'period=year_to_date&start=2026-01-01&end=2026-03-31',
    ],
  ])('fall back to the default query for %s', (_, search) => {
    expect(fromSearch(search)).toEqual(DEFAULT_QUERY);
  });

  it('ignore parameters that are not the dashboard’s own, so a shared link keeps its view', () => {
    expect(fromSearch('period=this_month&claimType=WCB&utm_source=newsletter')).toEqual({
      period: 'this_month',
      claimType: 'WCB',
    });
  });

  it('open on the last 12 months by default', () => {
    expect(DEFAULT_QUERY).toEqual({ period: 'last_12_months' });
  });

  it('always read a query the API accepts, whatever the parameters, and read it back unchanged', () => {
    const value = fc.oneof(
      fc.constantFrom(...PERIOD_OPTIONS, ...CLAIM_TYPES),
      nearbyRange.map((range) => range.start),
      fc.string(),
    );
    const params = fc.dictionary(
      fc.oneof(fc.constantFrom('period', 'start', 'end', 'claimType'), fc.string()),
      value,
    );
    fc.assert(
      fc.property(params, (record) => {
        const query = queryFromSearch(new URLSearchParams(record));
        expect(DashboardQuery.safeParse(query).success).toBe(true);
        if (query.period === 'custom') {
          expect(customRangeProblem(query.start ?? '', query.end ?? '')).toBeNull();
        }
        expect(roundTrip(query)).toEqual(query);
      }),
    );
  });
});

describe('customRangeProblem against the URL', () => {
  it('accepts exactly the ranges of dates from 1900 to 2999 that the URL keeps', () => {
    fc.assert(
      fc.property(nearbyRange, ({ start, end }) => {
        const kept = fromSearch(`period=custom&start=${start}&end=${end}`);
        const keptInUrl = kept.period === 'custom' && kept.start === start && kept.end === end;
        expect(customRangeProblem(start, end) === null).toBe(keptInUrl);
      }),
    );
  });
});
