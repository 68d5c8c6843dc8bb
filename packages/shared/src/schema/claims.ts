import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
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
    /** The explanatory codes of the assessment that refused or adjusted it; empty otherwise. */
    explanatoryCodes: text('explanatory_codes').array().notNull().default(sql`'{}'::text[]`),
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
    // The outstanding claims, by age: a few per provider among many.
    index('claims_provider_outstanding_idx')
      .on(t.providerId, t.submittedAt)
      .where(sql`${t.state} in ('submitted', 'rejected')`),
    check('claims_fee_submitted_nonnegative', sql`${t.feeSubmitted} >= 0`),
    check('claims_fee_assessed_nonnegative', sql`${t.feeAssessed} >= 0`),
    // The state machine's footprints: a claim is paid exactly when it carries a payment.
    check(
      'claims_payment_matches_state',
      sql`(${t.state} in ('paid', 'adjusted')) = (${t.paidAt} is not null and ${t.feeAssessed} is not null)`,
    ),
    // Codes explain an assessment that refused or adjusted: 0-5 of them, each of the API's shape.
    check(
      'claims_explanatory_codes_shape',
      sql`cardinality(${t.explanatoryCodes}) <= 5 and array_position(${t.explanatoryCodes}, null) is null and array_to_string(${t.explanatoryCodes}, ',') ~ '^([0-9A-Z]{1,6}(,[0-9A-Z]{1,6})*)?$'`,
    ),
    check(
      'claims_explanatory_codes_when_assessed',
      sql`cardinality(${t.explanatoryCodes}) = 0 or ${t.state} in ('rejected', 'adjusted', 'written_off')`,
    ),
    check(
      'claims_submitted_unless_draft',
      sql`${t.state} = 'draft' or ${t.submittedAt} is not null`,
    ),
  ],
);

export type Claim = typeof claims.$inferSelect;

/**
 * Every change of a claim's state, appended in the transaction of the change by a trigger on
 * claims (migration 0014): creation (from null), then each transition, with the amounts and
 * codes the claim carried after it. The application role may read and append, never change.
 */
export const claimEvents = pgTable(
  'claim_events',
  {
    providerId: uuid('provider_id').notNull(),
    claimId: uuid('claim_id').notNull(),
    /** 1 for the creation, then one more for each change: the history's order. */
    seq: integer('seq').notNull(),
    fromState: claimStateEnum('from_state'),
    toState: claimStateEnum('to_state').notNull(),
    feeSubmitted: numeric('fee_submitted', { precision: 12, scale: 2 }).notNull(),
    feeAssessed: numeric('fee_assessed', { precision: 12, scale: 2 }),
    explanatoryCodes: text('explanatory_codes').array().notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'claim_events_pkey', columns: [t.providerId, t.claimId, t.seq] }),
    foreignKey({
      name: 'claim_events_claim_fk',
      columns: [t.providerId, t.claimId],
      foreignColumns: [claims.providerId, claims.id],
    }).onDelete('cascade'),
  ],
);

export type ClaimEvent = typeof claimEvents.$inferSelect;
