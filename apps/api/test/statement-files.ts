import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DashboardMetrics, PeriodFigures } from '@meritum/shared';
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * An exported CSV read back with a CSV parser: its header lines as a map, and its table turned
 * back into the statement's figures (values as the table wrote them: counts as integers, money
 * and ratios as their decimal text, an empty ratio as null).
 */
export function readStatementCsv(bytes: Buffer) {
  const records = parse(bytes, { bom: true, relax_column_count: true }) as string[][];
  const tableAt = records.findIndex((r) => r[0] === 'section');
  if (tableAt < 0) throw new Error('no table in the CSV');
  const header = new Map(
    records.slice(0, tableAt).flatMap((r) => (r.length >= 2 ? [[r[0], r[1]] as const] : [])),
  );
  const value = (figure: string, text: string) => {
    const counts = /Count$/.test(figure);
    if (counts) return Number(text);
    return text === '' ? null : text;
  };
  const metrics: Record<string, unknown> = {};
  const months = new Map<string, Record<string, unknown>>();
  const codes: Array<Record<string, unknown>> = [];
  for (const [section, month = '', code = '', figure = '', text = ''] of records.slice(
    tableAt + 1,
  )) {
    if (section === 'total') metrics[figure] = value(figure, text);
    else if (section === 'month') {
      const row = months.get(month) ?? { month };
      row[figure] = value(figure, text);
      months.set(month, row);
    } else if (section === 'code') {
      let row = codes.at(-1);
      if (row?.healthServiceCode !== code) {
        row = { healthServiceCode: code };
        codes.push(row);
      }
      row[figure] = value(figure, text);
    } else throw new Error(`unknown section ${section}`);
  }
  const figures = PeriodFigures.parse({
    metrics: DashboardMetrics.parse(metrics),
    monthly: [...months.values()],
    topHealthServiceCodes: codes,
  });
  return { header, figures, rows: records.length - tableAt - 1 };
}

const standardFontDataUrl = `${join(
  dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'standard_fonts',
)}/`;

/** A PDF read back with Mozilla's parser: its page count and the text of each page. */
export async function readPdf(bytes: Buffer): Promise<{ pages: string[] }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
  }
  await pdf.destroy();
  return { pages };
}
