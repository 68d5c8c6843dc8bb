import type { AnalyticsCacheRow } from '../schema/analytics-cache';
import type { Dimensions } from './dimensions';
import type { MetricKey } from './metric-keys';

/**
 * One cache row to write, for the provider of the scope it is written in: what the metrics
 * calculator computes from the claims. Dates 'YYYY-MM-DD', `value` a decimal string,
 * `sourceVersion` the provider's data version as text.
 */
export interface CacheEntryValues {
  metricKey: MetricKey;
  periodStart: string;
  periodEnd: string;
  dimensions: Dimensions;
  value: string;
  sourceVersion: string;
}

/** A stored cache row as the repository returns it. */
export type AnalyticsCacheEntry = AnalyticsCacheRow;

/** What the dashboard's sums read of a cache row, or of an entry freshly computed from claims. */
export type CacheFigure = Pick<
  AnalyticsCacheEntry,
  'metricKey' | 'periodStart' | 'dimensions' | 'value'
>;
