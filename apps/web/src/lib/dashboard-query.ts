import {
  type ClaimType,
  DashboardQuery,
  IsoDate,
  type PeriodOption,
  spanIssue,
  withinMaxSpan,
} from '@meritum/shared/client';

/** What the dashboard opens on: a year of months shows the trend as well as the totals. */
export const DEFAULT_QUERY: DashboardQuery = { period: 'last_12_months' };

export const PERIOD_LABELS: Record<PeriodOption, string> = {
  this_month: 'This month',
  last_month: 'Last month',
  this_quarter: 'This quarter',
  year_to_date: 'Year to date',
  last_12_months: 'Last 12 months',
  custom: 'Custom range',
};

const QUERY_KEYS = ['period', 'start', 'end', 'claimType'] as const;

/** The dashboard's query lives in the page's URL, so a view can be bookmarked and shared. */
export function queryFromSearch(params: URLSearchParams): DashboardQuery {
  // Only the dashboard's own parameters: a link with others (utm_source=...) keeps its view.
  const known = Object.fromEntries(
    QUERY_KEYS.flatMap((key) => (params.has(key) ? [[key, params.get(key)]] : [])),
  );
  const parsed = DashboardQuery.safeParse(known);
  if (!parsed.success) return DEFAULT_QUERY;
  const query = parsed.data;
  if (query.period === 'custom') {
    const { start, end } = query;
    if (start === undefined || end === undefined || !withinMaxSpan({ start, end })) {
      return DEFAULT_QUERY;
    }
  }
  return query;
}

export function searchFromQuery(query: DashboardQuery): string {
  const params = new URLSearchParams({ period: query.period });
  if (query.period === 'custom' && query.start && query.end) {
    params.set('start', query.start);
    params.set('end', query.end);
  }
  if (query.claimType) params.set('claimType', query.claimType);
  return params.toString();
}

/** Why a custom range cannot be asked for, in words for the form; null when it can. */
export function customRangeProblem(start: string, end: string): string | null {
  if (start === '' || end === '') return 'Choose both a start and an end date.';
  const invalid = [start, end].map((date) => IsoDate.safeParse(date)).find((r) => !r.success);
  if (invalid) return sentence(invalid.error?.issues[0]?.message ?? 'dates are calendar dates');
  if (!withinMaxSpan({ start, end })) return sentence(spanIssue.message);
  return null;
}

export const CLAIM_TYPE_OPTIONS: Array<{ value: ClaimType | undefined; label: string }> = [
  { value: undefined, label: 'All claims' },
  { value: 'AHCIP', label: 'AHCIP' },
  { value: 'WCB', label: 'WCB' },
];

/** The API's messages are clauses ('start must not be after end'); the form shows sentences. */
const sentence = (clause: string) => `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;
