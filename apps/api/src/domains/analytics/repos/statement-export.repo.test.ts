import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { createProvider } from '../../../../test/factories';
import { scopedRepo } from '../../../../test/scoped';
import { newStatement } from '../../../../test/statement-factories';
import type { StatementRow } from './statement.repo';
import { StatementRepo } from './statement.repo';
import { type NewStatementExport, StatementExportRepo } from './statement-export.repo';

const ctx = useTestDatabase();
const exportsRepo = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new StatementExportRepo(tx));
const statements = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new StatementRepo(tx));

function exportOf(
  statement: StatementRow,
  overrides: Partial<NewStatementExport> = {},
): NewStatementExport {
  return {
    statementId: statement.id,
    statementSha256: statement.contentSha256,
    periodStart: statement.periodStart,
    periodEnd: statement.periodEnd,
    claimType: statement.claimType,
    format: 'csv' as const,
    fileName: 'meritum-statement-2026-03-all-claims.csv',
    byteLength: 1234,
    bytesSha256: 'b'.repeat(64),
    dataVersion: statement.dataVersion,
    exportedBy: '00000000-0000-4000-8000-00000000000a',
    exportedAt: new Date('2026-04-02T16:00:00Z'),
    ...overrides,
  };
}

async function statementOf() {
  const providerId = await createProvider(ctx.admin);
  return statements(providerId).save(newStatement(providerId));
}

describe('StatementExportRepo', () => {
  it('appends an export and lists a statement’s exports, newest first', async () => {
    const s = await statementOf();
    const first = await exportsRepo(s.providerId).append(exportOf(s));
    const second = await exportsRepo(s.providerId).append(
      exportOf(s, { format: 'pdf', exportedAt: new Date('2026-04-02T17:00:00Z') }),
    );

    const listed = await exportsRepo(s.providerId).listForStatement(s.id);

    expect(listed).toEqual([second, first]);
    expect(first).toMatchObject({
      ...exportOf(s),
      providerId: s.providerId,
      id: expect.any(String),
    });
  });

  it('lists nothing of another provider’s statement', async () => {
    const s = await statementOf();
    await exportsRepo(s.providerId).append(exportOf(s));
    const other = await createProvider(ctx.admin);

    expect(await exportsRepo(other).listForStatement(s.id)).toEqual([]);
    expect(await exportsRepo(s.providerId).listForStatement(s.id)).toHaveLength(1);
  });

  it('keeps the record of a statement’s exports after the statement is deleted', async () => {
    const s = await statementOf();
    const recorded = await exportsRepo(s.providerId).append(exportOf(s));

    expect(await statements(s.providerId).delete(s.id)).toBe(true);

    expect(await exportsRepo(s.providerId).listForStatement(s.id)).toEqual([recorded]);
  });

  it('cannot be updated or deleted by the application role, even in the provider’s own scope', async () => {
    const s = await statementOf();
    const recorded = await exportsRepo(s.providerId).append(exportOf(s));
    const asApp = (statement: ReturnType<typeof sql>) =>
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.provider_id', ${s.providerId}, true)`);
        await tx.execute(statement);
      });

    for (const statement of [
      sql`update analytics_statement_exports set format = 'pdf' where provider_id = ${s.providerId}`,
      sql`delete from analytics_statement_exports where provider_id = ${s.providerId}`,
      sql`truncate analytics_statement_exports`,
    ]) {
      await expect(asApp(statement)).rejects.toMatchObject({
        cause: expect.objectContaining({ code: '42501' }), // insufficient_privilege
      });
    }
    expect(await exportsRepo(s.providerId).listForStatement(s.id)).toEqual([recorded]);
  });

  it('finds no row to update or delete for a role that holds those privileges, under forced row-level security', async () => {
    const s = await statementOf();
    const recorded = await exportsRepo(s.providerId).append(exportOf(s));
    const client = await ctx.admin.connect();
    try {
      // Roles are cluster-wide: created, used and dropped inside one transaction, rolled back.
      await client.query('begin');
      await client.query('create role meritum_test_editor nologin nobypassrls');
      await client.query(
        'grant select, update, delete on analytics_statement_exports to meritum_test_editor',
      );
      await client.query('set local role meritum_test_editor');
      await client.query(`select set_config('app.provider_id', $1, true)`, [s.providerId]);
      const updated = await client.query(
        `update analytics_statement_exports set format = 'pdf' where provider_id = $1`,
        [s.providerId],
      );
      const deleted = await client.query(
        'delete from analytics_statement_exports where provider_id = $1',
        [s.providerId],
      );
      const seen = await client.query(
        'select count(*)::int as n from analytics_statement_exports where provider_id = $1',
        [s.providerId],
      );
      expect([updated.rowCount, deleted.rowCount, seen.rows[0]?.n]).toEqual([0, 0, 1]);
    } finally {
      await client.query('rollback');
      client.release();
    }
    expect(await exportsRepo(s.providerId).listForStatement(s.id)).toEqual([recorded]);
  });

  it('refuses a record for another provider than the scope’s', async () => {
    const s = await statementOf();
    const other = await createProvider(ctx.admin);

    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.provider_id', ${other}, true)`);
        await tx.execute(sql`
          insert into analytics_statement_exports (provider_id, statement_id, statement_sha256,
            period_start, period_end, claim_type, format, file_name, byte_length, bytes_sha256,
            data_version, exported_by, exported_at)
          values (${s.providerId}, ${s.id}, ${s.contentSha256}, '2026-03-01', '2026-03-31', 'all',
            'csv', 'x.csv', 1, repeat('c', 64), 1, gen_random_uuid(), now())`);
      }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
  });
});
