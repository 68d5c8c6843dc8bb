import {
  type Clock,
  type ExportFormat,
  type FigureDifference,
  monthsBetween,
  type StatementExport,
} from '@meritum/shared';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import {
  StatementMismatchError,
  StatementNotFoundError,
  StatementStaleError,
} from '../../../lib/errors';
import { statementCsv } from '../exports/statement-csv';
import { CONTENT_TYPES, statementFileName } from '../exports/statement-document';
import { statementPdf } from '../exports/statement-pdf';
import type { MetricsCalculator } from '../metrics/metrics-calculator';
import type { StatementRepo, StatementRow } from '../repos/statement.repo';
import type { StatementExportRepo } from '../repos/statement-export.repo';
import { figureRowsOf, summarise } from './dashboard-figures';
import { figureDifferences } from './figure-differences';
import { checkStatement, statementMaxAgeMs } from './statement-check';
import { sha256Hex, statementSha256 } from './statement-content';
import { toExportView } from './statement-views';

export interface StatementExportRepos {
  statements: Pick<StatementRepo, 'getById' | 'drift' | 'physician'>;
  exports: Pick<StatementExportRepo, 'append' | 'listForStatement'>;
  calculator: Pick<MetricsCalculator, 'compute'>;
}

export interface StatementExportServiceDeps {
  db: Database;
  /** The repositories, on one unit of work. */
  repos: (tx: ProviderTx) => StatementExportRepos;
  clock: Clock;
  maxAgeHours?: number;
}

export interface ExportedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** The stored hash against the hash of the stored content: any edit behind the API shows. */
function contentDifferences(row: StatementRow): FigureDifference[] {
  const recomputed = statementSha256(row);
  return recomputed === row.contentSha256
    ? []
    : [{ figure: 'contentSha256', statement: row.contentSha256, claims: recomputed }];
}

/**
 * Exports a statement, only while it is current and only after its figures, recomputed from the
 * claims in one REPEATABLE READ snapshot, agree with it exactly; every export is recorded.
 */
export function createStatementExportService(deps: StatementExportServiceDeps) {
  const { db, repos, clock } = deps;
  const maxAgeMs = statementMaxAgeMs(deps.maxAgeHours);

  /** The statement, its state, and (when current) the claims' figures and its physician. */
  function readSnapshot(providerId: string, id: string) {
    return withProviderScope(
      db,
      providerId,
      async (tx) => {
        const r = repos(tx);
        const row = await r.statements.getById(id);
        if (!row) return null;
        const drift = (await r.statements.drift([row.id])).get(row.id);
        const check = checkStatement(row, drift, clock.now(), maxAgeMs);
        if (check.state !== 'current') return { row, check, verified: null };
        const months = monthsBetween(row.periodStart, row.periodEnd);
        const computed = await r.calculator.compute(months);
        const claimType = row.claimType === 'all' ? undefined : row.claimType;
        const recomputed = summarise(figureRowsOf(computed.entries), months, claimType);
        const physician = await r.statements.physician();
        if (!physician) return null;
        return {
          row,
          check,
          verified: { recomputed, dataVersion: computed.sourceVersion, physician },
        };
      },
      { isolation: 'repeatable read', readOnly: true },
    );
  }

  return {
    async exportStatement(
      providerId: string,
      userId: string,
      id: string,
      format: ExportFormat,
    ): Promise<ExportedFile> {
      const snapshot = await readSnapshot(providerId, id);
      if (!snapshot) throw new StatementNotFoundError();
      if (!snapshot.verified) throw new StatementStaleError(snapshot.check);
      const { row, verified } = snapshot;
      const differences = [
        ...contentDifferences(row),
        ...figureDifferences(row.figures, verified.recomputed),
      ];
      if (differences.length > 0) throw new StatementMismatchError(differences);

      const document = { ...row, physician: verified.physician };
      const bytes = format === 'csv' ? statementCsv(document) : await statementPdf(document);
      const fileName = statementFileName(row, format);
      const record = {
        statementId: row.id,
        statementSha256: row.contentSha256,
        periodStart: row.periodStart,
        periodEnd: row.periodEnd,
        claimType: row.claimType,
        format,
        fileName,
        byteLength: bytes.length,
        bytesSha256: sha256Hex(bytes),
        dataVersion: verified.dataVersion,
        exportedBy: userId,
        exportedAt: clock.now(),
      };
      await withProviderScope(db, providerId, (tx) => repos(tx).exports.append(record));
      return { fileName, contentType: CONTENT_TYPES[format], bytes };
    },

    /** A statement's exports, newest first: kept after the statement is deleted. */
    async listExports(providerId: string, id: string): Promise<StatementExport[]> {
      const rows = await withProviderScope(db, providerId, async (tx) => {
        const r = repos(tx);
        const exported = await r.exports.listForStatement(id);
        return exported.length > 0 || (await r.statements.getById(id)) ? exported : null;
      });
      if (!rows) throw new StatementNotFoundError();
      return rows.map(toExportView);
    },
  };
}

export type StatementExportService = ReturnType<typeof createStatementExportService>;
