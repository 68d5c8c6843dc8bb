import { z } from 'zod';
import {
  addMonths,
  type Clock,
  edmontonDate,
  firstOfMonth,
  lastOfMonth,
  parseDate,
} from './business-dates';

export const PERIOD_OPTIONS = [
  'this_month',
  'last_month',
  'this_quarter',
  'year_to_date',
  'last_12_months',
  'custom',
] as const;
export const PeriodOption = z.enum(PERIOD_OPTIONS);
export type PeriodOption = z.infer<typeof PeriodOption>;

/** What the dashboard opens on: a year of months shows the trend as well as the totals. */
export const DEFAULT_PERIOD: PeriodOption = 'last_12_months';

/** The longest range the cache answers: its 24-month window. */
export const MAX_PERIOD_MONTHS = 24;

/** A dashboard period: whole calendar months in Edmonton, 'YYYY-MM-DD' inclusive. */
export interface ResolvedPeriod {
  start: string;
  end: string;
}

/**
 * Resolves a period option to whole Edmonton months, the grain the cache is kept at.
 * `custom` takes start and end dates and widens them to the months that contain them. The
 * dates were checked at the boundary (`withPeriodRules`): both there, valid, in order, within
 * 24 months.
 */
export function resolvePeriod(
  option: PeriodOption,
  clock: Clock,
  custom: { start?: string | undefined; end?: string | undefined } = {},
): ResolvedPeriod {
  const today = edmontonDate(clock.now());
  const months = (from: { year: number; month: number }, to: { year: number; month: number }) => ({
    start: firstOfMonth(from.year, from.month),
    end: lastOfMonth(to.year, to.month),
  });
  switch (option) {
    case 'this_month':
      return months(today, today);
    case 'last_month': {
      const previous = addMonths(today.year, today.month, -1);
      return months(previous, previous);
    }
    case 'this_quarter': {
      const first = today.month - ((today.month - 1) % 3);
      return months({ year: today.year, month: first }, { year: today.year, month: first + 2 });
    }
    case 'year_to_date':
      return months({ year: today.year, month: 1 }, today);
    case 'last_12_months':
      return months(addMonths(today.year, today.month, -11), today);
    case 'custom':
      return resolveCustom(custom.start, custom.end);
  }
}

function resolveCustom(start: string | undefined, end: string | undefined): ResolvedPeriod {
  if (start === undefined || end === undefined) {
    throw new Error('a custom period reached resolvePeriod without its start and end');
  }
  const a = parseDate(start);
  const b = parseDate(end);
  return { start: firstOfMonth(a.year, a.month), end: lastOfMonth(b.year, b.month) };
}

/**
 * The period of equal length just before `period`: as many whole months, ending the month
 * before it starts (this quarter against the last, twelve months against the twelve before).
 */
export function previousPeriod(period: ResolvedPeriod): ResolvedPeriod {
  const start = parseDate(period.start);
  const end = parseDate(period.end);
  const length = (end.year - start.year) * 12 + (end.month - start.month) + 1;
  const first = addMonths(start.year, start.month, -length);
  const last = addMonths(start.year, start.month, -1);
  return { start: firstOfMonth(first.year, first.month), end: lastOfMonth(last.year, last.month) };
}
