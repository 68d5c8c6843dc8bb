import { z } from 'zod';

/** Metrics stored in analytics_cache, one row per month and dimension set. */
export const STORED_METRIC_KEYS = [
  'claims_count',
  'billed_amount',
  'rejected_count',
  'assessed_count',
  'pending_amount',
  'paid_count',
  'paid_amount',
  'days_to_payment_sum',
] as const;

/** Ratios derived when read, from summed stored parts; never stored. */
export const DERIVED_METRIC_KEYS = ['rejection_rate', 'avg_days_to_payment'] as const;

export const MetricKey = z.enum(STORED_METRIC_KEYS);
export type MetricKey = z.infer<typeof MetricKey>;

export type DerivedMetricKey = (typeof DERIVED_METRIC_KEYS)[number];
