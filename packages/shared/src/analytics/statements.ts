import { z } from 'zod';
import { ClaimType } from '../claims/claim';
import { PeriodOption } from '../dates/periods';
import { IsoDate } from '../validation/primitives';
import {
  DashboardMetrics,
  DashboardQuery,
  PeriodFigures,
  PeriodRange,
  withPeriodRules,
} from './dashboard';

/** A statement covers all claims, or one claim type's. */
export const STATEMENT_CLAIM_TYPES = ['all', 'AHCIP', 'WCB'] as const;
export const StatementClaimType = z.enum(STATEMENT_CLAIM_TYPES);
export type StatementClaimType = z.infer<typeof StatementClaimType>;

/**
 * `current`: its figures still match the claims; `changed`: a claim counted in one of its months
 * changed after it was generated, or the period's claim count differs; `expired`: generated
 * longer ago than the API allows an export from (24 hours unless configured otherwise).
 */
export const STATEMENT_STATES = ['current', 'changed', 'expired'] as const;
export const StatementState = z.enum(STATEMENT_STATES);
export type StatementState = z.infer<typeof StatementState>;

export const EXPORT_FORMATS = ['csv', 'pdf'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits');
const Instant = z.iso.datetime({ offset: true });
const Count = z.number().int().nonnegative();

/** POST /analytics/statements: the dashboard's period options and claim type. */
export const CreateStatementRequest = DashboardQuery;
export type CreateStatementRequest = z.input<typeof CreateStatementRequest>;

/** GET /analytics/statements: with a period, that period's statement; without, the list. */
export const StatementsQuery = withPeriodRules(
  z.strictObject({
    period: PeriodOption.optional(),
    start: IsoDate.optional(),
    end: IsoDate.optional(),
    claimType: ClaimType.optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'limit is a whole number from 1 to 200')
      .transform(Number)
      .pipe(z.number().int().min(1, 'limit is at least 1').max(200, 'limit is at most 200'))
      .optional(),
  }),
)
  .refine((q) => q.period !== undefined || q.claimType === undefined, {
    message: 'claimType goes with a period',
    path: ['claimType'],
  })
  .refine((q) => q.period === undefined || q.limit === undefined, {
    message: 'limit goes with the list (no period)',
    path: ['limit'],
  });
export type StatementsQuery = z.input<typeof StatementsQuery>;

export const StatementParams = z.strictObject({
  id: z.uuid({ message: 'statement ids are UUIDs' }),
});

export const StatementExportQuery = z.strictObject({ format: ExportFormat });

/** Where a statement stands against the claims now; also the details of a STATEMENT_STALE. */
export const StatementCheck = z.object({
  state: StatementState,
  claimsCountAtGeneration: Count,
  claimsCountNow: Count,
  /** Months of the period (first days) in which a counted claim changed after generation. */
  changedMonths: z.array(IsoDate),
  generatedAt: Instant,
  /** When an export stops being allowed without a re-run. */
  expiresAt: Instant,
});
export type StatementCheck = z.infer<typeof StatementCheck>;

const StatementHead = StatementCheck.extend({
  id: z.uuid(),
  period: PeriodRange,
  claimType: StatementClaimType,
  /** The physician's data version the figures were read at. */
  dataVersion: z.string(),
  /** SHA-256 of the statement's canonical content (RFC 8785; docs/decisions.md, Statements). */
  contentSha256: Sha256,
});

/** One statement with all its frozen figures. */
export const Statement = StatementHead.extend({ figures: PeriodFigures });
export type Statement = z.infer<typeof Statement>;

/** A statement in the list: its totals, not its months and codes. */
export const StatementListItem = StatementHead.extend({ metrics: DashboardMetrics });
export type StatementListItem = z.infer<typeof StatementListItem>;

export const StatementList = z.object({ statements: z.array(StatementListItem) });
export type StatementList = z.infer<typeof StatementList>;

/** One export, as the audit trail recorded it. */
export const StatementExport = z.object({
  id: z.uuid(),
  statementId: z.uuid(),
  statementSha256: Sha256,
  period: PeriodRange,
  claimType: StatementClaimType,
  format: ExportFormat,
  fileName: z.string(),
  byteLength: z.number().int().positive(),
  bytesSha256: Sha256,
  dataVersion: z.string(),
  exportedBy: z.uuid(),
  exportedAt: Instant,
});
export type StatementExport = z.infer<typeof StatementExport>;

export const StatementExportList = z.object({ exports: z.array(StatementExport) });
export type StatementExportList = z.infer<typeof StatementExportList>;

/** A figure on which a statement and a recomputation from the claims disagree. */
export const FigureDifference = z.object({
  /** Where, such as `metrics.billedAmount`, `monthly.2026-03-01.paidCount`. */
  figure: z.string(),
  statement: z.union([z.string(), z.number()]).nullable(),
  claims: z.union([z.string(), z.number()]).nullable(),
});
export type FigureDifference = z.infer<typeof FigureDifference>;
