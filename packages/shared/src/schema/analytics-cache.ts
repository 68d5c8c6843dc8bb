import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Dimensions } from '../analytics/dimensions';
import { bigintString } from './columns';
import { providers } from './providers';

/**
 * Precomputed dashboard metrics, one row per (provider, metric, period, dimensions).
 * Every column has an explicit snake_case name: `excluded.<name>` in upserts depends on it.
 * The GIN index on dimensions, fillfactor and row-level security live in a custom migration.
 *
 * No index covers computed_at, on purpose: every upsert changes it, and an index on it would
 * make every update non-HOT (a new entry in every index). See docs/decisions.md.
 */
export const analyticsCache = pgTable(
  'analytics_cache',
  {
    id: uuid('id').notNull().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    metricKey: text('metric_key').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    // NOT NULL: a NULL never conflicts, so a nullable key column would let duplicates in.
    dimensions: jsonb('dimensions').$type<Dimensions>().notNull().default({}),
    value: numeric('value').notNull(),
    sourceVersion: bigintString('source_version').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    // The distribution column leads every unique key, as Citus requires (docs/scaling.md).
    primaryKey({ name: 'analytics_cache_pkey', columns: [t.providerId, t.id] }),
    unique('analytics_cache_key').on(
      t.providerId,
      t.metricKey,
      t.periodStart,
      t.periodEnd,
      t.dimensions,
    ),
    index('analytics_cache_provider_period_end_idx').on(t.providerId, t.periodEnd),
    check('analytics_cache_period_order', sql`${t.periodStart} <= ${t.periodEnd}`),
    check(
      'analytics_cache_dimensions_flat_object',
      sql`jsonb_typeof(${t.dimensions}) = 'object' and octet_length(${t.dimensions}::text) <= 1024`,
    ),
    check(
      'analytics_cache_value_finite',
      sql`${t.value} not in ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)`,
    ),
    check('analytics_cache_source_version_nonnegative', sql`${t.sourceVersion} >= 0`),
  ],
);

export type AnalyticsCacheRow = typeof analyticsCache.$inferSelect;
