import {
  analyticsStatementExports,
  type ExportFormat,
  type StatementClaimType,
  type StatementExportRow,
} from '@meritum/shared';
import { and, desc, eq } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';

export type { StatementExportRow };

/** One export to record: what was handed out, from which data, to whom, and when. */
export interface NewStatementExport {
  statementId: string;
  statementSha256: string;
  periodStart: string;
  periodEnd: string;
  claimType: StatementClaimType;
  format: ExportFormat;
  fileName: string;
  byteLength: number;
  bytesSha256: string;
  dataVersion: string;
  exportedBy: string;
  exportedAt: Date;
}

const t = analyticsStatementExports;

/**
 * The audit trail of statement exports: append and read. The application role may neither
 * update nor delete its rows (grants and row-level security, migration 0008).
 */
export class StatementExportRepo {
  constructor(private readonly tx: ProviderTx) {}

  async append(entry: NewStatementExport): Promise<StatementExportRow> {
    const [row] = await this.tx.db
      .insert(t)
      .values({ ...entry, providerId: this.tx.providerId })
      .returning();
    if (!row) throw new Error('analytics_statement_exports insert returned no row');
    return row;
  }

  /** A statement's exports, newest first; they outlive the statement itself. */
  async listForStatement(statementId: string): Promise<StatementExportRow[]> {
    return this.tx.db
      .select()
      .from(t)
      .where(and(eq(t.providerId, this.tx.providerId), eq(t.statementId, statementId)))
      .orderBy(desc(t.exportedAt), desc(t.id));
  }
}
