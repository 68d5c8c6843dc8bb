import { describe, expect, it } from 'vitest';
import { edmontonDate, monthsBetween } from './business-dates';
import { resolvePeriod } from './periods';

const at = (iso: string) => ({ now: () => new Date(iso) });

describe('edmontonDate', () => {
  it('keeps 23:30 local on 30 November 2026 in November, though UTC is already 1 December', () => {
    // Edmonton is UTC-7 (MST) in late November.
    expect(edmontonDate(new Date('2026-12-01T06:30:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 30,
    });
    expect(resolvePeriod('this_month', at('2026-12-01T06:30:00Z'))).toEqual({
      start: '2026-11-01',
      end: '2026-11-30',
    });
    expect(resolvePeriod('this_month', at('2026-12-01T07:00:00Z'))).toEqual({
      start: '2026-12-01',
      end: '2026-12-31',
    });
  });

  it('resolves the day daylight saving time starts (8 March 2026, 02:00 MST to 03:00 MDT)', () => {
    expect(edmontonDate(new Date('2026-03-08T06:59:00Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 7,
    }); // 23:59 MST
    expect(edmontonDate(new Date('2026-03-08T08:59:00Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 8,
    }); // 01:59 MST
    expect(edmontonDate(new Date('2026-03-08T09:00:00Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 8,
    }); // 03:00 MDT
    expect(edmontonDate(new Date('2026-03-09T05:59:00Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 8,
    }); // 23:59 MDT
    expect(edmontonDate(new Date('2026-03-09T06:00:00Z'))).toEqual({
      year: 2026,
      month: 3,
      day: 9,
    });
    // The month ends at local midnight, now UTC-6: 05:59 UTC on 1 April is still 31 March.
    expect(resolvePeriod('this_month', at('2026-04-01T05:59:00Z')).start).toBe('2026-03-01');
    expect(resolvePeriod('this_month', at('2026-04-01T06:00:00Z')).start).toBe('2026-04-01');
  });

  it('resolves the day daylight saving time ends (1 November 2026, 02:00 MDT back to 01:00 MST)', () => {
    // 23:30 MDT on 31 October is 05:30 UTC on 1 November: still October, still this_month October.
    expect(resolvePeriod('this_month', at('2026-11-01T05:30:00Z'))).toEqual({
      start: '2026-10-01',
      end: '2026-10-31',
    });
    expect(edmontonDate(new Date('2026-11-01T06:00:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 1,
    }); // 00:00 MDT
    // 01:30 happens twice that night; both are 1 November.
    expect(edmontonDate(new Date('2026-11-01T07:30:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 1,
    }); // 01:30 MDT
    expect(edmontonDate(new Date('2026-11-01T08:30:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 1,
    }); // 01:30 MST
    expect(edmontonDate(new Date('2026-11-02T06:59:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 1,
    }); // 23:59 MST
    expect(edmontonDate(new Date('2026-11-02T07:00:00Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 2,
    });
  });
});

describe('resolvePeriod', () => {
  const now = at('2026-11-21T18:00:00Z'); // 21 November 2026, 11:00 in Edmonton

  it('resolves every option to whole Edmonton months', () => {
    expect(resolvePeriod('this_month', now)).toEqual({ start: '2026-11-01', end: '2026-11-30' });
    expect(resolvePeriod('last_month', now)).toEqual({ start: '2026-10-01', end: '2026-10-31' });
    expect(resolvePeriod('this_quarter', now)).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(resolvePeriod('year_to_date', now)).toEqual({ start: '2026-01-01', end: '2026-11-30' });
    expect(resolvePeriod('last_12_months', now)).toEqual({
      start: '2025-12-01',
      end: '2026-11-30',
    });
  });

  it('crosses year boundaries in January', () => {
    const january = at('2027-01-15T18:00:00Z');
    expect(resolvePeriod('last_month', january)).toEqual({
      start: '2026-12-01',
      end: '2026-12-31',
    });
    expect(resolvePeriod('this_quarter', january)).toEqual({
      start: '2027-01-01',
      end: '2027-03-31',
    });
    expect(resolvePeriod('last_12_months', january)).toEqual({
      start: '2026-02-01',
      end: '2027-01-31',
    });
  });

  it('widens a custom range to the months containing it, leap February included', () => {
    expect(resolvePeriod('custom', now, { start: '2024-02-10', end: '2024-02-20' })).toEqual({
      start: '2024-02-01',
      end: '2024-02-29',
    });
    expect(resolvePeriod('custom', now, { start: '2024-12-01', end: '2026-11-30' })).toEqual({
      start: '2024-12-01',
      end: '2026-11-30',
    });
  });
});

describe('monthsBetween', () => {
  it('lists the first day of every month in the range', () => {
    expect(monthsBetween('2025-11-15', '2026-02-01')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
    expect(monthsBetween('2026-03-01', '2026-02-01')).toEqual([]);
  });
});
