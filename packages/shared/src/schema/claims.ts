import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { CLAIM_STATES, CLAIM_TYPES } from '../claims/claim';
import { timestamptz } from './columns';
import { providers } from './providers';

export const claimTypeEnum = pgEnum('claim_type', CLAIM_TYPES);
export const claimStateEnum = pgEnum('claim_state', CLAIM_STATES);

/**
 * The claims a physician bills. Every insert, update or delete bumps the provider's data version
 * and marks the months it touches dirty, by triggers in a custom migration.
 */
export const claims = pgTable(
  'claims',
  {
    id: uuid('id').notNull().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    claimType: claimTypeEnum('claim_type').notNull(),
    healthServiceCode: text('health_service_code').notNull(),
    dateOfService: date('date_of_service', { mode: 'string' }).notNull(),
    feeSubmitted: numeric('fee_submitted', { precision: 12, scale: 2 }).notNull(),
    feeAssessed: numeric('fee_assessed', { precision: 12, scale: 2 }),
    state: claimStateEnum('state').notNull().default('draft'),
    submittedAt: timestamptz('submitted_at'),
    assessedAt: timestamptz('assessed_at'),
    paidAt: timestamptz('paid_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The distribution column leads every unique key, as Citus requires (docs/scaling.md).
    primaryKey({ name: 'claims_pkey', columns: [t.providerId, t.id] }),
    index('claims_provider_date_of_service_idx').on(t.providerId, t.dateOfService),
    index('claims_provider_paid_at_idx').on(t.providerId, t.paidAt),
    check('claims_fee_submitted_nonnegative', sql`${t.feeSubmitted} >= 0`),
    check('claims_fee_assessed_nonnegative', sql`${t.feeAssessed} >= 0`),
    // The state machine's footprints: a claim is paid exactly when it carries a payment.
    check(
      'claims_payment_matches_state',
      sql`(${t.state} in ('paid', 'adjusted')) = (${t.paidAt} is not null and ${t.feeAssessed} is not null)`,
    ),
    check(
      'claims_submitted_unless_draft',
      sql`${t.state} = 'draft' or ${t.submittedAt} is not null`,
    ),
  ],
);

export type Claim = typeof claims.$inferSelect;
