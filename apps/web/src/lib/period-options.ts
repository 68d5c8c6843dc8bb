import {
  addMonths,
  type ClaimType,
  edmontonDate,
  edmontonDateString,
  firstOfMonth,
  IsoDate,
  type PeriodOption,
  spanIssue,
  withinMaxSpan,
} from '@meritum/shared/client';

// What a physician chooses a period and a claim type with, on the dashboard and for a statement.

export const PERIOD_LABELS: Record<PeriodOption, string> = {
  this_month: 'This month',
  last_month: 'Last month',
  this_quarter: 'This quarter',
  year_to_date: 'Year to date',
  last_12_months: 'Last 12 months',
  custom: 'Custom range',
};

export const CLAIM_TYPE_OPTIONS: Array<{ value: ClaimType | undefined; label: string }> = [
  { value: undefined, label: 'All claims' },
  { value: 'AHCIP', label: 'AHCIP' },
  { value: 'WCB', label: 'WCB' },
];

/** Why a custom range cannot be asked for, in words for the form; null when it can. */
export function customRangeProblem(start: string, end: string): string | null {
  if (start === '' || end === '') return 'Choose both a start and an end date.';
  const invalid = [start, end].map((date) => IsoDate.safeParse(date)).find((r) => !r.success);
  if (invalid) return sentence(invalid.error?.issues[0]?.message ?? 'dates are calendar dates');
  if (!withinMaxSpan({ start, end })) return sentence(spanIssue.message);
  return null;
}

/** A custom range starts out as the last twelve months, in Edmonton. */
export function defaultCustomRange(now: Date): { start: string; end: string } {
  const today = edmontonDate(now);
  const from = addMonths(today.year, today.month, -11);
  return { start: firstOfMonth(from.year, from.month), end: edmontonDateString(now) };
}

/** The API's messages are clauses ('start must not be after end'); the form shows sentences. */
const sentence = (clause: string) => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;
