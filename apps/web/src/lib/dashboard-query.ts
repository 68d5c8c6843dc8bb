import { DashboardQuery, DEFAULT_PERIOD, withinMaxSpan } from '@meritum/shared/client';

/** What the dashboard opens on (DEFAULT_PERIOD, every claim type). */
export const DEFAULT_QUERY: DashboardQuery = { period: DEFAULT_PERIOD };

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
