import { sql } from 'drizzle-orm';
import { bigint, check, date, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { claimTypeEnum } from './claims';
import { bigintString } from './columns';
import { providers } from './providers';

/** A provider's data version: bumped, in the same transaction, by every change to its claims. */
export const providerDataVersions = pgTable('provider_data_versions', {
  providerId: uuid('provider_id')
    .primaryKey()
    .references(() => providers.id, { onDelete: 'cascade' }),
  version: bigintString('version').notNull().default(sql`0`),
});

/**
 * Months whose cached metrics no longer match the claims: written by the claims triggers,
 * consumed by the refresh that recomputes them from a version at least `dirtyVersion`.
 */
export const analyticsDirtyMonths = pgTable(
  'analytics_dirty_months',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    month: date('month', { mode: 'string' }).notNull(),
    dirtyVersion: bigintString('dirty_version').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.providerId, t.month], name: 'analytics_dirty_months_pkey' }),
    check('analytics_dirty_months_first_of_month', sql`extract(day from ${t.month}) = 1`),
  ],
);

/** What a provider's cache reflects: every claim change up to `sourceVersion`, as of `refreshedAt`. */
export const analyticsRefreshState = pgTable('analytics_refresh_state', {
  providerId: uuid('provider_id')
    .primaryKey()
    .references(() => providers.id, { onDelete: 'cascade' }),
  sourceVersion: bigintString('source_version').notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** Refreshes that ran, for operators and the single-flight tests. */
  refreshCount: bigint('refresh_count', { mode: 'number' }).notNull().default(0),
  /** The Edmonton day the outstanding figures were computed for: they age without any change. */
  outstandingAsOf: date('outstanding_as_of', { mode: 'string' }),
});

/**
 * The data version of the last change to a (month, claim type) of a provider's counted claims
 * (any state but draft), by service month and by payment month, and how many counted claims
 * have their service in that month: both kept by the claims triggers. A statement generated at
 * version v still matches its claims while none of its months moved past v, whatever happened
 * in other months; its period's claim count now is a sum of at most 48 of these rows.
 */
export const claimMonthVersions = pgTable(
  'claim_month_versions',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    month: date('month', { mode: 'string' }).notNull(),
    claimType: claimTypeEnum('claim_type').notNull(),
    version: bigintString('version').notNull(),
    // No CHECK (>= 0): an INSERT ... ON CONFLICT checks the row it proposes, and a deletion
    // proposes its -1 before it meets the row it adds to. A property test holds it exact.
    claimsCount: bigint('claims_count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      columns: [t.providerId, t.month, t.claimType],
      name: 'claim_month_versions_pkey',
    }),
    check('claim_month_versions_first_of_month', sql`extract(day from ${t.month}) = 1`),
  ],
);
