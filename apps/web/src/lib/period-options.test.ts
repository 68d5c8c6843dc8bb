import { CLAIM_TYPES, PERIOD_OPTIONS } from '@meritum/shared/client';
import { describe, expect, it } from 'vitest';
import {
  CLAIM_TYPE_OPTIONS,
  customRangeProblem,
  defaultCustomRange,
  PERIOD_LABELS,
} from './period-options';

const SPAN_PROBLEM = 'Start must not be after end, and a range spans at most 24 months.';
const BOTH_DATES = 'Choose both a start and an end date.';

describe('customRangeProblem', () => {
  it('asks for both dates when either is missing', () => {
    expect(customRangeProblem('', '')).toBe(BOTH_DATES);
    expect(customRangeProblem('2026-01-01', '')).toBe(BOTH_DATES);
    expect(customRangeProblem('', '2026-01-31')).toBe(BOTH_DATES);
  });

  it('refuses an end before the start, in a sentence', () => {
    expect(customRangeProblem('2026-03-01', '2026-02-28')).toBe(SPAN_PROBLEM);
    expect(customRangeProblem('2026-03-10', '2026-03-09')).toBe(SPAN_PROBLEM);
  });

  it('refuses a range of more than 24 calendar months', () => {
    expect(customRangeProblem('2024-01-01', '2026-01-31')).toBe(SPAN_PROBLEM);
    expect(customRangeProblem('2024-01-31', '2026-01-01')).toBe(SPAN_PROBLEM);
  });

  it('refuses dates the API refuses, outside 1900 to 2999, in a sentence', () => {
    expect(customRangeProblem('1899-12-01', '1900-01-31')).toBe(
      'Dates lie between 1900-01-01 and 2999-12-31.',
    );
    expect(customRangeProblem('2999-12-01', '3000-01-31')).toBe(
      'Dates lie between 1900-01-01 and 2999-12-31.',
    );
    expect(customRangeProblem('2026-02-30', '2026-03-31')).toBe(
      'Dates are calendar dates written YYYY-MM-DD.',
    );
  });

  it('accepts a range of a single day up to 24 calendar months', () => {
    expect(customRangeProblem('2026-03-10', '2026-03-10')).toBeNull();
    expect(customRangeProblem('2026-01-15', '2026-03-10')).toBeNull();
    expect(customRangeProblem('2024-02-01', '2026-01-31')).toBeNull();
  });
});

describe('the control labels', () => {
  it('name every period option', () => {
    expect(Object.keys(PERIOD_LABELS).sort()).toEqual([...PERIOD_OPTIONS].sort());
    expect(PERIOD_LABELS.custom).toBe('Custom range');
  });

  it('offer all claims first, then each claim type', () => {
    expect(CLAIM_TYPE_OPTIONS.map((option) => option.value)).toEqual([undefined, ...CLAIM_TYPES]);
  });
});

describe('defaultCustomRange', () => {
  it('runs from the first of the month eleven months back to today, in Edmonton', () => {
    // 05:30 UTC on March 1 is still February 28 in Edmonton.
    expect(defaultCustomRange(new Date('2026-03-01T05:30:00Z'))).toEqual({
      start: '2025-03-01',
      end: '2026-02-28',
    });
    expect(defaultCustomRange(new Date('2026-12-01T18:00:00Z'))).toEqual({
      start: '2026-01-01',
      end: '2026-12-01',
    });
  });
});
