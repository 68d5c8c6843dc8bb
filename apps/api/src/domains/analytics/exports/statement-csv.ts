import { DashboardMetrics, formatEdmontonTimestamp } from '@meritum/shared';
import { stringify } from 'csv-stringify/sync';
import { BASIS, CLAIM_TYPE_LABELS, type StatementDocument } from './statement-document';

/** The table's columns: one row per figure, of the period, of a month, or of a top code. */
export const CSV_COLUMNS = ['section', 'month', 'code', 'figure', 'value'] as const;

type Row = [section: string, month: string, code: string, figure: string, value: string];

/** The figures in the schema's order, whatever order the stored JSON kept them in. */
const FIGURES = Object.keys(DashboardMetrics.shape) as Array<keyof DashboardMetrics>;

const metricRows = (section: string, month: string, metrics: DashboardMetrics): Row[] =>
  FIGURES.map((figure) => {
    const value = metrics[figure];
    return [section, month, '', figure, value === null ? '' : String(value)];
  });

/**
 * The statement as CSV: header lines (physician, billing number, period, claim type, basis,
 * generated-at in Edmonton time and as a UTC instant, data version, identity), a blank line,
 * then the table. Values
 * are plain decimals (no currency sign, no thousands separator), so a spreadsheet reads them as
 * numbers; a ratio with nothing to divide by is empty. A BOM tells spreadsheets it is UTF-8.
 */
export function statementCsv(doc: StatementDocument): Buffer {
  const { figures } = doc;
  // Free text (the physician's name) could start like a formula: quoted out, in the header only.
  const header = stringify(
    [
      ['Meritum billing statement'],
      ['Physician', doc.physician.name],
      ['Billing number', doc.physician.billingNumber],
      ['Period start', doc.periodStart],
      ['Period end', doc.periodEnd],
      ['Claim type', CLAIM_TYPE_LABELS[doc.claimType]],
      ['Basis', BASIS],
      ['Generated at (Edmonton)', formatEdmontonTimestamp(doc.generatedAt)],
      ['Generated at (UTC)', doc.generatedAt.toISOString()],
      ['Data version', doc.dataVersion],
      ['Statement id', doc.id],
      ['Statement SHA-256', doc.contentSha256],
      [],
    ],
    { bom: true, escape_formulas: true },
  );
  const table = stringify([
    [...CSV_COLUMNS],
    ...metricRows('total', '', figures.metrics),
    ...figures.monthly.flatMap(({ month, ...metrics }) => metricRows('month', month, metrics)),
    ...figures.topHealthServiceCodes.flatMap((code): Row[] => [
      ['code', '', code.healthServiceCode, 'claimsCount', String(code.claimsCount)],
      ['code', '', code.healthServiceCode, 'billedAmount', code.billedAmount],
    ]),
  ]);
  return Buffer.from(header + table, 'utf8');
}
