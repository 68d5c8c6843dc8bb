import {
  type ClaimType,
  DashboardQuery,
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

/** The dashboard's query lives in the page's URL, so a view can be bookmarked and shared. */
export function queryFromSearch(params: URLSearchParams): DashboardQuery {
  const parsed = DashboardQuery.safeParse(Object.fromEntries(params));
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
  if (!withinMaxSpan({ start, end }))
    return `${spanIssue.message[0]?.toUpperCase()}${spanIssue.message.slice(1)}.`;
  return null;
}

export const CLAIM_TYPE_OPTIONS: Array<{ value: ClaimType | undefined; label: string }> = [
  { value: undefined, label: 'All claims' },
  { value: 'AHCIP', label: 'AHCIP' },
  { value: 'WCB', label: 'WCB' },
];
