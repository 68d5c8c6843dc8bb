import type {
  Statement,
  StatementCheck,
  StatementExport,
  StatementListItem,
} from '@meritum/shared';
import type { StatementRow } from '../repos/statement.repo';
import type { StatementExportRow } from '../repos/statement-export.repo';

/** A stored statement as the API answers with it: never the row as it is. */
export function toStatement(row: StatementRow, check: StatementCheck): Statement {
  return { ...head(row, check), figures: row.figures };
}

export function toListItem(row: StatementRow, check: StatementCheck): StatementListItem {
  return { ...head(row, check), metrics: row.figures.metrics };
}

function head(row: StatementRow, check: StatementCheck) {
  return {
    id: row.id,
    period: { start: row.periodStart, end: row.periodEnd },
    claimType: row.claimType,
    dataVersion: row.dataVersion,
    contentSha256: row.contentSha256,
    ...check,
  };
}

export function toExportView(row: StatementExportRow): StatementExport {
  return {
    id: row.id,
    statementId: row.statementId,
    statementSha256: row.statementSha256,
    period: { start: row.periodStart, end: row.periodEnd },
    claimType: row.claimType,
    format: row.format,
    fileName: row.fileName,
    byteLength: row.byteLength,
    bytesSha256: row.bytesSha256,
    dataVersion: row.dataVersion,
    exportedBy: row.exportedBy,
    exportedAt: row.exportedAt.toISOString(),
  };
}
