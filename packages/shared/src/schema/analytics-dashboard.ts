import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  integer,
  json,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { providers } from './providers';

/**
 * The dashboard's figures for a period and claim type ('all' for every type) as assembled from
 * a provider's cache after its refresh number `refreshCount`: every write to the cache is a
 * refresh that counts itself in the same transaction, so while the count stands, summing the
 * cache rows again would give these figures. Written on the first read of a span (at most a
 * few per provider) and again by each refresh for the spans read lately (`readOn`); `format`
 * names the shape the API wrote, so a release that changes it never serves another's.
 */
export const analyticsDashboardFigures = pgTable(
  'analytics_dashboard_figures',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    claimType: text('claim_type').notNull(),
    format: integer('format').notNull(),
    refreshCount: bigint('refresh_count', { mode: 'number' }).notNull(),
    // json, not jsonb: stored and sent back as written, never parsed by PostgreSQL.
    figures: json('figures').notNull(),
    /** The Edmonton day a read last asked for these figures and had to assemble them. */
    readOn: date('read_on', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_dashboard_figures_pkey',
      columns: [t.providerId, t.periodStart, t.periodEnd, t.claimType],
    }),
    check('analytics_dashboard_figures_period_order', sql`${t.periodStart} <= ${t.periodEnd}`),
  ],
);
