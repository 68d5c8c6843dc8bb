import { z } from 'zod';

/** Metrics stored per month and dimension set: a period's figure is the sum of its months. */
export const MONTHLY_METRIC_KEYS = [
  'claims_count',
  'billed_amount',
  'rejected_count',
  'rejected_amount',
  'assessed_count',
  'pending_amount',
  'paid_count',
  'paid_amount',
  'days_to_payment_sum',
  'adjustment_loss',
] as const;

/** Metrics stored as of one Edmonton day (period_start = period_end = that day), by age bucket. */
export const OUTSTANDING_METRIC_KEYS = ['outstanding_count', 'outstanding_amount'] as const;

/** Metrics stored in analytics_cache. */
export const STORED_METRIC_KEYS = [...MONTHLY_METRIC_KEYS, ...OUTSTANDING_METRIC_KEYS] as const;

/** Ratios derived when read, from summed stored parts; never stored. */
export const DERIVED_METRIC_KEYS = ['rejection_rate', 'avg_days_to_payment'] as const;

export const MetricKey = z.enum(STORED_METRIC_KEYS);
export type MetricKey = z.infer<typeof MetricKey>;

export type DerivedMetricKey = (typeof DERIVED_METRIC_KEYS)[number];
