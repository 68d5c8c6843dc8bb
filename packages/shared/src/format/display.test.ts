import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDays,
  formatEdmontonTimestamp,
  formatInstant,
  formatMoney,
  formatMonth,
  formatPeriod,
  formatRate,
} from './display';

const EN_DASH = '\u2013';

describe('formatMoney', () => {
  it('writes Canadian dollars with a thousands separator and two places', () => {
    expect(formatMoney('12345.60')).toBe('$12,345.60');
    expect(formatMoney('12345.6')).toBe('$12,345.60');
    expect(formatMoney('0.10')).toBe('$0.10');
    expect(formatMoney('0.00')).toBe('$0.00');
  });

  it('writes a negative amount (a recovery) with a leading minus sign', () => {
    expect(formatMoney('-41.72')).toBe('-$41.72');
  });

  it('formats from the exact decimal string, keeping cents a float would lose', () => {
    expect(formatMoney('12345678901234.56')).toBe('$12,345,678,901,234.56');
    // As a float, 90071992547409.93 is 90071992547409.9375 and would round to .94.
    expect(formatMoney('90071992547409.93')).toBe('$90,071,992,547,409.93');
    // Past 2^53 a float cannot even hold the whole dollars.
    expect(formatMoney('9007199254740993.01')).toBe('$9,007,199,254,740,993.01');
    expect(formatMoney('99999999999999999999.99')).toBe('$99,999,999,999,999,999,999.99');
  });

  it('rounds a third decimal place half away from zero on the exact value', () => {
    // The float nearest 1234.565 is below it and would round down to .56.
    expect(formatMoney('1234.565')).toBe('$1,234.57');
  });
});

describe('formatCount', () => {
  it('writes whole counts with a thousands separator', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(4200)).toBe('4,200');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('formatRate', () => {
  it('writes a ratio as a percentage with one decimal place', () => {
    expect(formatRate('0.0834')).toBe('8.3%');
    expect(formatRate('0.0000')).toBe('0.0%');
    expect(formatRate('1.0000')).toBe('100.0%');
  });

  it('rounds the exact ratio half away from zero', () => {
    expect(formatRate('0.0835')).toBe('8.4%');
    expect(formatRate('0.0845')).toBe('8.5%');
    expect(formatRate('0.9999')).toBe('100.0%');
  });

  it('writes a dash when nothing was assessed', () => {
    expect(formatRate(null)).toBe('—');
  });
});

describe('formatDays', () => {
  it('writes an average number of days with one decimal place', () => {
    expect(formatDays('23.4567')).toBe('23.5 days');
    expect(formatDays('23.3500')).toBe('23.4 days');
    expect(formatDays('0.0000')).toBe('0.0 days');
    expect(formatDays('1234.5678')).toBe('1,234.6 days');
  });

  it('writes a dash when nothing was paid', () => {
    expect(formatDays(null)).toBe('—');
  });
});

describe('formatPeriod and formatMonth', () => {
  it('write a period as a range of dates', () => {
    expect(formatPeriod({ start: '2026-01-01', end: '2026-03-31' })).toBe(
      `Jan 1${EN_DASH}Mar 31, 2026`,
    );
    expect(formatPeriod({ start: '2026-11-01', end: '2026-11-30' })).toBe(
      `Nov 1${EN_DASH}30, 2026`,
    );
    expect(formatPeriod({ start: '2025-12-01', end: '2026-11-30' })).toBe(
      `Dec 1, 2025${EN_DASH}Nov 30, 2026`,
    );
  });

  it('write a period of a single day as that day', () => {
    expect(formatPeriod({ start: '2026-03-01', end: '2026-03-01' })).toBe('Mar 1, 2026');
  });

  it('write a month as its short name and year', () => {
    expect(formatMonth('2026-03-01')).toBe('Mar 2026');
    expect(formatMonth('2026-12-01')).toBe('Dec 2026');
  });

  // Midnight UTC is the previous evening in Edmonton, and 14:00 on the same day at UTC+14: a
  // date read as a local midnight, or an instant formatted in local time, moves by a day in one
  // of these zones. The first and last days of months show it as a change of month.
  const originalTimeZone = process.env.TZ;
  const zones = [
    // getTimezoneOffset() of 1 January 2026 there: minutes behind UTC.
    { zone: 'America/Edmonton', januaryOffset: 420 },
    { zone: 'Pacific/Kiritimati', januaryOffset: -840 },
  ];

  describe.each(zones)('while the process time zone is $zone', ({ zone, januaryOffset }) => {
    beforeEach(() => {
      process.env.TZ = zone;
    });

    afterEach(() => {
      if (originalTimeZone === undefined) Reflect.deleteProperty(process.env, 'TZ');
      else process.env.TZ = originalTimeZone;
    });

    it('runs in that zone (so the cases below prove something)', () => {
      expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).toBe(januaryOffset);
    });

    it('never shifts a calendar date by a day at the edges of months', () => {
      expect(formatPeriod({ start: '2026-11-01', end: '2026-12-31' })).toBe(
        `Nov 1${EN_DASH}Dec 31, 2026`,
      );
      expect(formatPeriod({ start: '2026-03-01', end: '2026-03-31' })).toBe(
        `Mar 1${EN_DASH}31, 2026`,
      );
      expect(formatPeriod({ start: '2026-01-01', end: '2026-01-01' })).toBe('Jan 1, 2026');
      expect(formatPeriod({ start: '2025-12-31', end: '2026-01-01' })).toBe(
        `Dec 31, 2025${EN_DASH}Jan 1, 2026`,
      );
    });

    it('never moves a month to its neighbour', () => {
      expect(formatMonth('2026-11-01')).toBe('Nov 2026');
      expect(formatMonth('2026-12-31')).toBe('Dec 2026');
      expect(formatMonth('2026-03-01')).toBe('Mar 2026');
      expect(formatMonth('2026-01-01')).toBe('Jan 2026');
    });

    it('still writes an instant in Edmonton wall time', () => {
      expect(formatInstant('2026-11-21T15:15:00Z')).toBe('November 21, 2026 at 8:15 a.m.');
    });
  });
});

describe('formatInstant', () => {
  it('writes an instant in winter as Edmonton wall time, seven hours behind UTC (MST)', () => {
    expect(formatInstant('2026-11-21T15:15:00Z')).toBe('November 21, 2026 at 8:15 a.m.');
  });

  it('writes an instant in summer as Edmonton wall time, six hours behind UTC (MDT)', () => {
    expect(formatInstant('2026-07-01T15:15:00Z')).toBe('July 1, 2026 at 9:15 a.m.');
    expect(formatInstant('2026-07-01T21:00:00Z')).toBe('July 1, 2026 at 3:00 p.m.');
  });

  it('writes the Edmonton date, a day behind the UTC date late in the evening', () => {
    expect(formatInstant('2026-12-01T06:30:00Z')).toBe('November 30, 2026 at 11:30 p.m.');
    expect(formatInstant('2026-07-01T06:00:00Z')).toBe('July 1, 2026 at 12:00 a.m.');
  });

  it('skips the hour lost when daylight saving time starts (8 March 2026)', () => {
    expect(formatInstant('2026-03-08T08:59:00Z')).toBe('March 8, 2026 at 1:59 a.m.');
    expect(formatInstant('2026-03-08T09:00:00Z')).toBe('March 8, 2026 at 3:00 a.m.');
  });

  it('repeats the hour gained when daylight saving time ends (1 November 2026)', () => {
    expect(formatInstant('2026-11-01T07:59:00Z')).toBe('November 1, 2026 at 1:59 a.m.');
    expect(formatInstant('2026-11-01T08:00:00Z')).toBe('November 1, 2026 at 1:00 a.m.');
  });

  it('reads an instant written with an offset as the same instant', () => {
    expect(formatInstant('2026-11-21T08:15:00-07:00')).toBe('November 21, 2026 at 8:15 a.m.');
  });
});

// Instants before 1 November 2026, when Alberta stopped changing clocks (tz 2026c and later):
// their Edmonton wall time is the same under older and newer time-zone data.
describe('formatEdmontonTimestamp', () => {
  it('writes Edmonton wall time with its zone, MST in winter and MDT in summer', () => {
    expect(formatEdmontonTimestamp(new Date('2026-01-21T15:15:07Z'))).toBe(
      '2026-01-21 08:15:07 MST',
    );
    expect(formatEdmontonTimestamp(new Date('2026-07-01T15:15:00Z'))).toBe(
      '2026-07-01 09:15:00 MDT',
    );
  });

  it('writes the Edmonton date, a day behind UTC late in the evening, and midnight as 00', () => {
    expect(formatEdmontonTimestamp(new Date('2026-02-01T06:30:00Z'))).toBe(
      '2026-01-31 23:30:00 MST',
    );
    expect(formatEdmontonTimestamp(new Date('2026-07-01T06:00:00Z'))).toBe(
      '2026-07-01 00:00:00 MDT',
    );
  });
});
