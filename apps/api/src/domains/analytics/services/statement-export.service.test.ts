import { createHash } from 'node:crypto';
import { formatCount, formatMoney, formatMonth, type Statement } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { type analyticsHarness, useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { countRows } from '../../../../test/row-counts';
import { readPdf, readStatementCsv } from '../../../../test/statement-files';
import { StatementMismatchError, StatementStaleError } from '../../../lib/errors';
import { statementSha256 } from './statement-content';

const ctx = useTestDatabase();
const { harness } = useAnalyticsHarnesses(ctx);

type Harness = ReturnType<typeof analyticsHarness>;
const USER = '00000000-0000-4000-8000-0000000000ab';
const quarter = { period: 'custom' as const, start: '2026-07-01', end: '2026-09-30' };

async function submitted(h: Harness, p: string, dateOfService: string, fee = '100.00') {
  const { id } = await h.claims.create(p, {
    claimType: 'AHCIP',
    healthServiceCode: fee === '100.00' ? '03.03A' : '08.19A',
    dateOfService,
    feeSubmitted: fee,
  });
  await h.claims.transition(p, id, { to: 'submitted' });
  return id;
}

/** A physician with claims in each month of the quarter, and the quarter's statement. */
async function withStatement(h: Harness, name = 'Dr. Hélène Tremblay') {
  const p = await createProvider(ctx.admin, { name, billingNumber: `HT-${Date.now() % 1e6}` });
  const paid = await submitted(h, p, '2026-07-14');
  await h.claims.transition(p, paid, { to: 'adjusted', feeAssessed: '91.35' });
  await submitted(h, p, '2026-08-03', '1234567.89');
  const refused = await submitted(h, p, '2026-09-30');
  await h.claims.transition(p, refused, { to: 'rejected' });
  await h.analytics.scheduler.idle();
  return { p, statement: await h.analytics.statements.create(p, quarter) };
}

const exportOf = (h: Harness, p: string, s: Statement, format: 'csv' | 'pdf') =>
  h.analytics.statementExports.exportStatement(p, USER, s.id, format);

describe('exporting a statement', () => {
  it('writes CSV that a CSV parser reads back as exactly the statement’s figures', async () => {
    // Before 1 November 2026, so that Edmonton time is the same under any time-zone data.
    const h = harness({ now: new Date('2026-10-21T18:00:00Z') });
    const { p, statement } = await withStatement(h);

    const file = await exportOf(h, p, statement, 'csv');

    const csv = readStatementCsv(file.bytes);
    expect(csv.figures).toEqual(statement.figures);
    expect(Object.fromEntries(csv.header)).toMatchObject({
      Physician: 'Dr. Hélène Tremblay',
      'Period start': '2026-07-01',
      'Period end': '2026-09-30',
      'Claim type': 'All claims (AHCIP and WCB)',
      'Generated at (Edmonton)': '2026-10-21 12:00:00 MDT',
      'Generated at (UTC)': '2026-10-21T18:00:00.000Z',
      'Data version': statement.dataVersion,
      'Statement id': statement.id,
      'Statement SHA-256': statement.contentSha256,
    });
    expect(csv.header.get('Basis')).toMatch(/by month of service.*by month of payment/);
    expect(file.bytes.toString('utf8')).toContain('\ntotal,,,billedAmount,1234767.89\n');
    expect(file.fileName).toBe('meritum-statement-2026-07-to-2026-09-all-claims.csv');
    // Rows in the order an accountant reads them, not the order PostgreSQL stores JSON keys in.
    const totals = file.bytes
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('total,'))
      .map((line) => line.split(',')[3]);
    expect(totals).toEqual([
      'claimsCount',
      'billedAmount',
      'paidAmount',
      'paidCount',
      'rejectedCount',
      'assessedCount',
      'pendingAmount',
      'rejectionRate',
      'avgDaysToPayment',
    ]);
  });

  it('writes a PDF whose text, read back with a PDF parser, holds the figures', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);

    const file = await exportOf(h, p, statement, 'pdf');

    const { pages } = await readPdf(file.bytes);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(2);
    const text = pages.join('\n');
    const { metrics, monthly, topHealthServiceCodes } = statement.figures;
    for (const expected of [
      'Dr. Hélène Tremblay',
      statement.id,
      statement.contentSha256,
      '$1,234,767.89', // billed
      formatMoney(metrics.paidAmount),
      formatMoney(metrics.pendingAmount),
      '50.0%', // one refused of two assessed
    ]) {
      expect(text).toContain(expected);
    }
    for (const month of monthly) {
      expect(text).toContain(formatMonth(month.month));
      expect(text).toContain(formatMoney(month.billedAmount));
    }
    for (const code of topHealthServiceCodes) {
      expect(text).toContain(code.healthServiceCode);
      expect(text).toContain(formatCount(code.claimsCount));
    }
  });

  it.each(['Dr. Łukasz Wójcik', 'Dr. Nguyễn Văn An', 'Dr. Ólöf Þórsdóttir'])(
    'writes the name %s in the PDF as it is spelled',
    async (name) => {
      const h = harness();
      const { p, statement } = await withStatement(h, name);

      const file = await exportOf(h, p, statement, 'pdf');

      expect((await readPdf(file.bytes)).pages.join('\n')).toContain(name);
    },
  );

  it('records every export: the statement and its hash, the bytes’ SHA-256, who and when', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);

    const csv = await exportOf(h, p, statement, 'csv');
    const pdf = await exportOf(h, p, statement, 'pdf');

    const history = await h.analytics.statementExports.listExports(p, statement.id);
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(history.map((e) => [e.format, e.bytesSha256, e.byteLength])).toEqual(
      expect.arrayContaining([
        ['csv', sha(csv.bytes), csv.bytes.length],
        ['pdf', sha(pdf.bytes), pdf.bytes.length],
      ]),
    );
    expect(history[0]).toMatchObject({
      statementId: statement.id,
      statementSha256: statement.contentSha256,
      dataVersion: statement.dataVersion,
      exportedBy: USER,
      exportedAt: h.clock.now().toISOString(),
      period: statement.period,
      claimType: 'all',
    });
  });

  it('refuses a statement whose claims changed with STATEMENT_STALE, exporting nothing; a re-run makes it exportable', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);
    await submitted(h, p, '2026-08-15');
    await h.analytics.scheduler.idle(); // the hook's own refresh of that change
    const calls = h.computeCalls.length;

    const refused = exportOf(h, p, statement, 'pdf');

    await expect(refused).rejects.toBeInstanceOf(StatementStaleError);
    await expect(refused).rejects.toMatchObject({
      code: 'STATEMENT_STALE',
      statusCode: 409,
      details: {
        state: 'changed',
        claimsCountAtGeneration: 3,
        claimsCountNow: 4,
        changedMonths: ['2026-08-01'],
      },
    });
    expect(h.computeCalls).toHaveLength(calls); // refused before any recomputation
    expect(await countRows(ctx.admin, p, 'analytics_statement_exports')).toBe(0);

    const rerun = await h.analytics.statements.create(p, quarter);
    const file = await exportOf(h, p, rerun, 'csv');
    expect(readStatementCsv(file.bytes).figures.metrics.claimsCount).toBe(4);
  });

  it('refuses an expired statement with STATEMENT_STALE', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);
    h.clock.set(new Date(h.clock.now().getTime() + 25 * 3_600_000));

    await expect(exportOf(h, p, statement, 'csv')).rejects.toMatchObject({
      code: 'STATEMENT_STALE',
      details: { state: 'expired' },
    });
  });

  it('refuses a statement tampered in the database as a mismatch, with the differences', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_statements
          set figures = jsonb_set(figures, '{metrics,billedAmount}', '"9100.35"')
        where provider_id = $1 and id = $2`,
      [p, statement.id],
    );

    const refused = exportOf(h, p, statement, 'csv');

    await expect(refused).rejects.toBeInstanceOf(StatementMismatchError);
    await expect(refused).rejects.toMatchObject({
      code: 'STATEMENT_MISMATCH',
      statusCode: 409,
      details: {
        differences: [
          {
            figure: 'contentSha256',
            statement: statement.contentSha256,
            claims: expect.any(String),
          },
          { figure: 'metrics.billedAmount', statement: '9100.35', claims: '1234767.89' },
        ],
      },
    });
    expect(await countRows(ctx.admin, p, 'analytics_statement_exports')).toBe(0);
  });

  it('finds a tampering that rewrote the hash to match, by recomputing from the claims', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);
    const row = (
      await ownerQuery(
        ctx.admin,
        p,
        `select figures, data_version::text, claims_count, generated_at
           from analytics_statements where provider_id = $1 and id = $2`,
        [p, statement.id],
      )
    ).rows[0];
    const figures = structuredClone(row.figures);
    figures.monthly[1].billedAmount = '1.00';
    const forged = statementSha256({
      providerId: p,
      periodStart: '2026-07-01',
      periodEnd: '2026-09-30',
      claimType: 'all',
      figures,
      dataVersion: row.data_version,
      claimsCount: row.claims_count,
      generatedAt: row.generated_at,
    });
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_statements set figures = $3, content_sha256 = $4
        where provider_id = $1 and id = $2`,
      [p, statement.id, figures, forged],
    );

    await expect(exportOf(h, p, statement, 'pdf')).rejects.toMatchObject({
      code: 'STATEMENT_MISMATCH',
      details: {
        differences: [
          { figure: 'monthly.2026-08-01.billedAmount', statement: '1.00', claims: '1234567.89' },
        ],
      },
    });
  });

  it('refuses a statement whose stored hash no longer matches its content', async () => {
    const h = harness();
    const { p, statement } = await withStatement(h);
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_statements set content_sha256 = repeat('0', 64)
        where provider_id = $1 and id = $2`,
      [p, statement.id],
    );

    await expect(exportOf(h, p, statement, 'csv')).rejects.toMatchObject({
      code: 'STATEMENT_MISMATCH',
      details: {
        differences: [
          { figure: 'contentSha256', statement: '0'.repeat(64), claims: statement.contentSha256 },
        ],
      },
    });
  });
});
