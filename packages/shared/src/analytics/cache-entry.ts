import { z } from 'zod';
import type { AnalyticsCacheRow } from '../schema/analytics-cache';
import { DecimalString, IsoDate, ProviderId, SourceVersion } from '../validation/primitives';
import { canonicalDimensions, Dimensions } from './dimensions';
import { MetricKey } from './metric-keys';

const periodInOrder = (p: { periodStart: string; periodEnd: string }) =>
  p.periodStart <= p.periodEnd;
const periodOrderIssue = {
  message: 'periodStart must not be after periodEnd',
  path: ['periodEnd'],
};

/** One cache row to write. `dimensions` defaults to `{}`, `sourceVersion` to 0. */
export const NewAnalyticsCacheEntry = z
  .strictObject({
    providerId: ProviderId,
    metricKey: MetricKey,
    periodStart: IsoDate,
    periodEnd: IsoDate,
    dimensions: Dimensions.default({}).transform(canonicalDimensions),
    value: DecimalString,
    sourceVersion: SourceVersion.default('0'),
  })
  .refine(periodInOrder, periodOrderIssue);
export type NewAnalyticsCacheEntry = z.input<typeof NewAnalyticsCacheEntry>;
export type ValidAnalyticsCacheEntry = z.output<typeof NewAnalyticsCacheEntry>;

/** The read filter of AnalyticsCacheRepo.getMetrics. */
export const MetricsQuery = z
  .strictObject({
    providerId: ProviderId,
    metricKeys: z.array(MetricKey).max(64),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    dimensions: Dimensions.optional(),
  })
  .refine(periodInOrder, periodOrderIssue);
export type MetricsQuery = z.input<typeof MetricsQuery>;

/** A stored cache row as the repository returns it. */
export type AnalyticsCacheEntry = AnalyticsCacheRow;

/** What the dashboard's sums read of a cache row, or of an entry freshly computed from claims. */
export type CacheFigure = Pick<
  AnalyticsCacheEntry,
  'metricKey' | 'periodStart' | 'dimensions' | 'value'
>;
