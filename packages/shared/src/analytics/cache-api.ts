import { z } from 'zod';
import { Instant } from '../validation/primitives';

/**
 * GET /analytics/metrics: the session's cached figures, one per metric, month and dimension
 * set. Not the table's rows: no row id, no provider id.
 */
export const MetricsResponse = z.object({
  figures: z.array(
    z.object({
      metricKey: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      dimensions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      /** An exact decimal string. */
      value: z.string(),
      /** The physician's data version the figure was computed from. */
      sourceVersion: z.string(),
      computedAt: Instant,
    }),
  ),
});
export type MetricsResponse = z.output<typeof MetricsResponse>;

/** POST /analytics/refresh: what the on-demand refresh did. */
export const RefreshResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('refreshed'),
    months: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    sourceVersion: z.string(),
  }),
  /** Another instance holds this physician's refresh lock; its refresh will do. */
  z.object({ status: z.literal('busy') }),
]);
export type RefreshResponse = z.output<typeof RefreshResponse>;

/** GET /analytics/validation: the cache against a recomputation from the claims. */
export const ValidationResponse = z.object({
  consistent: z.boolean(),
  checked: z.number().int().nonnegative(),
  sourceVersion: z.string(),
  mismatches: z.array(
    z.object({
      metricKey: z.string(),
      periodStart: z.string(),
      dimensions: z.record(z.string(), z.unknown()),
      cached: z.string().nullable(),
      computed: z.string().nullable(),
    }),
  ),
});
export type ValidationResponse = z.output<typeof ValidationResponse>;
