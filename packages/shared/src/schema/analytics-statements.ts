import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import type { PeriodFigures } from '../analytics/dashboard';
import type { ExportFormat, StatementClaimType } from '../analytics/statements';
import { bigintString, timestamptz } from './columns';
import { providers } from './providers';

const SHA256_HEX = sql.raw(`'^[0-9a-f]{64}$'`);
/** Any money field, at any depth, that is not a JSON string. */
const MONEY_AS_NUMBER = sql.raw(
  `'$.** ? (@.type() == "object").keyvalue() ? ((@.key == "billedAmount" || @.key == "paidAmount" || @.key == "pendingAmount") && @.value.type() != "string")'`,
);

/**
 * A period's figures frozen at one moment: one per (provider, period, claim-type filter), replaced
 * when it is re-run. Row-level security and grants live in a custom migration.
 */
export const analyticsStatements = pgTable(
  'analytics_statements',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    /** 'all', 'AHCIP' or 'WCB': NOT NULL, so that the unique key always conflicts. */
    claimType: text('claim_type').$type<StatementClaimType>().notNull(),
    /** Totals, months and top codes; money as decimal strings. */
    figures: jsonb('figures').$type<PeriodFigures>().notNull(),
    /** The provider's data version the figures were read at. */
    dataVersion: bigintString('data_version').notNull(),
    /** Claims counted in the period (claimsCount) when it was generated. */
    claimsCount: integer('claims_count').notNull(),
    generatedAt: timestamptz('generated_at').notNull(),
    /** SHA-256 (hex) of the statement's canonical content: see statement-content.ts. */
    contentSha256: text('content_sha256').notNull(),
  },
  (t) => [
    // The distribution column leads every key, as Citus requires (docs/scaling.md).
    primaryKey({ name: 'analytics_statements_pkey', columns: [t.providerId, t.id] }),
    unique('analytics_statements_period_key').on(
      t.providerId,
      t.periodStart,
      t.periodEnd,
      t.claimType,
    ),
    index('analytics_statements_provider_generated_idx').on(t.providerId, t.generatedAt),
    check('analytics_statements_period_order', sql`${t.periodStart} <= ${t.periodEnd}`),
    check('analytics_statements_claim_type', sql`${t.claimType} in ('all', 'AHCIP', 'WCB')`),
    check('analytics_statements_claims_count', sql`${t.claimsCount} >= 0`),
    check('analytics_statements_data_version', sql`${t.dataVersion} >= 0`),
    check('analytics_statements_sha256', sql`${t.contentSha256} ~ ${SHA256_HEX}`),
    // Money is text in the stored JSON (a decimal string), never a JSON number.
    check(
      'analytics_statements_money_as_text',
      sql`jsonb_typeof(${t.figures}) = 'object' and not jsonb_path_exists(${t.figures}, ${MONEY_AS_NUMBER})`,
    ),
  ],
);

/**
 * What was handed out: one row per export, appended and never changed (the application role may
 * insert and read only). It outlives its statement, so it repeats what identifies it.
 */
export const analyticsStatementExports = pgTable(
  'analytics_statement_exports',
  {
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    /** No foreign key: deleting a statement keeps the record of its exports. */
    statementId: uuid('statement_id').notNull(),
    statementSha256: text('statement_sha256').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    claimType: text('claim_type').$type<StatementClaimType>().notNull(),
    format: text('format').$type<ExportFormat>().notNull(),
    fileName: text('file_name').notNull(),
    byteLength: integer('byte_length').notNull(),
    bytesSha256: text('bytes_sha256').notNull(),
    dataVersion: bigintString('data_version').notNull(),
    /** The user whose session asked for it. */
    exportedBy: uuid('exported_by').notNull(),
    exportedAt: timestamptz('exported_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'analytics_statement_exports_pkey', columns: [t.providerId, t.id] }),
    index('analytics_statement_exports_statement_idx').on(
      t.providerId,
      t.statementId,
      t.exportedAt,
    ),
    check('analytics_statement_exports_format', sql`${t.format} in ('csv', 'pdf')`),
    check('analytics_statement_exports_period_order', sql`${t.periodStart} <= ${t.periodEnd}`),
    check('analytics_statement_exports_claim_type', sql`${t.claimType} in ('all', 'AHCIP', 'WCB')`),
    check('analytics_statement_exports_data_version', sql`${t.dataVersion} >= 0`),
    check(
      'analytics_statement_exports_sha256',
      sql`${t.statementSha256} ~ ${SHA256_HEX} and ${t.bytesSha256} ~ ${SHA256_HEX}`,
    ),
    check('analytics_statement_exports_byte_length', sql`${t.byteLength} > 0`),
  ],
);

export type StatementRow = typeof analyticsStatements.$inferSelect;
export type StatementExportRow = typeof analyticsStatementExports.$inferSelect;
