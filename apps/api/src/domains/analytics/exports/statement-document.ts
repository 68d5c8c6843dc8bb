import type { ExportFormat, PeriodFigures, StatementClaimType } from '@meritum/shared';

/** What an exported statement shows: its physician, its identity, and its frozen figures. */
export interface StatementDocument {
  physician: { name: string; billingNumber: string };
  id: string;
  contentSha256: string;
  periodStart: string;
  periodEnd: string;
  claimType: StatementClaimType;
  figures: PeriodFigures;
  dataVersion: string;
  generatedAt: Date;
}

export const CLAIM_TYPE_LABELS: Record<StatementClaimType, string> = {
  all: 'All claims (AHCIP and WCB)',
  AHCIP: 'AHCIP claims',
  WCB: 'WCB claims',
};

/** Which month each figure counts in (docs/metrics.md). */
export const BASIS =
  'Claims, billed, pending and refusals by month of service; paid and days to payment by month of payment; Edmonton dates';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/** 'meritum-statement-2026-01-to-2026-12-all-claims.pdf': the period, in whole months. */
export function statementFileName(
  statement: { periodStart: string; periodEnd: string; claimType: StatementClaimType },
  format: ExportFormat,
): string {
  const from = statement.periodStart.slice(0, 7);
  const to = statement.periodEnd.slice(0, 7);
  const span = from === to ? from : `${from}-to-${to}`;
  const claims = statement.claimType === 'all' ? 'all' : statement.claimType.toLowerCase();
  return `meritum-statement-${span}-${claims}-claims.${format}`;
}
