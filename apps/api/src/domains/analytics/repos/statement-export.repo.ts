import {
  analyticsStatementExports,
  type ExportFormat,
  type StatementClaimType,
  type StatementExportRow,
} from '@meritum/shared';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../../db/client';
import { assertProviderId, withProviderScope } from '../../../db/provider-scope';

export type { StatementExportRow };

/** One export to record: what was handed out, from which data, to whom, and when. */
export interface NewStatementExport {
  providerId: string;
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
  constructor(private readonly db: Database) {}

  async append(entry: NewStatementExport): Promise<StatementExportRow> {
    assertProviderId(entry.providerId);
    return withProviderScope(this.db, entry.providerId, async (tx) => {
      const [row] = await tx.insert(t).values(entry).returning();
      if (!row) throw new Error('analytics_statement_exports insert returned no row');
      return row;
    });
  }

  /** A statement's exports, newest first; they outlive the statement itself. */
  async listForStatement(providerId: string, statementId: string): Promise<StatementExportRow[]> {
    assertProviderId(providerId);
    if (!z.uuid().safeParse(statementId).success) return [];
    return withProviderScope(this.db, providerId, (tx) =>
      tx
        .select()
        .from(t)
        .where(and(eq(t.providerId, providerId), eq(t.statementId, statementId)))
        .orderBy(desc(t.exportedAt), desc(t.id)),
    );
  }
}
