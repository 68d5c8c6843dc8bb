import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type DashboardMetrics,
  formatCount,
  formatDays,
  formatInstant,
  formatMoney,
  formatMonth,
  formatPeriod,
  formatRate,
} from '@meritum/shared';
import PDFDocument from 'pdfkit';
import { BASIS, CLAIM_TYPE_LABELS, type StatementDocument } from './statement-document';

/**
 * DejaVu Sans, embedded (only the glyphs used): the PDF's standard Helvetica writes Windows
 * Latin-1 alone, and a physician's name may be Łukasz Wójcik or Nguyễn Văn An.
 */
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
const REGULAR = 'Body';
const BOLD = 'Body-Bold';
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function fontData() {
  if (!fonts) {
    const resolve = createRequire(import.meta.url).resolve;
    const read = (file: string) => readFileSync(resolve(`dejavu-fonts-ttf/ttf/${file}`));
    fonts = { regular: read(FONT_FILES.regular), bold: read(FONT_FILES.bold) };
  }
  return fonts;
}

const MARGIN = 48;
const INK = '#1a2230';
const MUTED = '#52607a';
const RULE = '#d5dbe5';
const STRIPE = '#f1f4f8';
const ROW = 14;

type Align = 'left' | 'right';
interface Column {
  title: string;
  width: number;
  align: Align;
}

/**
 * The statement as a PDF a physician can hand to an accountant: one page for a year, two for
 * 24 months. The same header as the CSV, the KPI figures, the monthly table with its totals,
 * and the top codes. Amounts are written from their exact decimal strings (formatMoney).
 */
export function statementPdf(doc: StatementDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Billing statement, ${formatPeriod({ start: doc.periodStart, end: doc.periodEnd })}`,
      Author: 'Meritum',
      Subject: `${doc.physician.name}, billing number ${doc.physician.billingNumber}`,
      CreationDate: doc.generatedAt,
    },
  });
  pdf.registerFont(REGULAR, fontData().regular);
  pdf.registerFont(BOLD, fontData().bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const page = new Page(pdf);
  page.title();
  page.header(doc);
  page.kpis(doc.figures.metrics);
  page.monthly(doc.figures.monthly, doc.figures.metrics);
  page.topCodes(doc.figures.topHealthServiceCodes);
  page.footers(doc.id);
  pdf.end();
  return finished;
}

/** Draws onto the document, keeping to the margins and starting a page when one is full. */
class Page {
  private readonly width: number;

  constructor(private readonly pdf: PDFKit.PDFDocument) {
    this.width = pdf.page.width - 2 * MARGIN;
  }

  title() {
    const { pdf } = this;
    pdf.font(BOLD).fontSize(18).fillColor(INK).text('Billing statement', MARGIN, MARGIN);
    pdf
      .font(REGULAR)
      .fontSize(10)
      .fillColor(MUTED)
      .text('Meritum', MARGIN, MARGIN + 5, { width: this.width, align: 'right' });
    pdf.moveDown(0.8);
  }

  header(doc: StatementDocument) {
    const lines: Array<[string, string]> = [
      ['Physician', doc.physician.name],
      ['Billing number', doc.physician.billingNumber],
      ['Period', formatPeriod({ start: doc.periodStart, end: doc.periodEnd })],
      ['Claim type', CLAIM_TYPE_LABELS[doc.claimType]],
      ['Basis', BASIS],
      [
        'Generated',
        `${formatInstant(doc.generatedAt.toISOString())} (Edmonton time); ${doc.generatedAt.toISOString()}`,
      ],
      ['Data version', doc.dataVersion],
      ['Statement id', doc.id],
      ['SHA-256', doc.contentSha256],
    ];
    const { pdf } = this;
    for (const [label, value] of lines) {
      const y = pdf.y;
      pdf.font(REGULAR).fontSize(8.5).fillColor(MUTED).text(label, MARGIN, y, { width: 90 });
      pdf
        .font(REGULAR)
        .fontSize(label === 'SHA-256' ? 7.5 : 8.5)
        .fillColor(INK)
        .text(value, MARGIN + 95, y, { width: this.width - 95 });
      pdf.y = Math.max(pdf.y, y + 11);
    }
    pdf.moveDown(0.8);
  }

  kpis(m: DashboardMetrics) {
    const tiles: Array<[string, string, string]> = [
      ['Billed', formatMoney(m.billedAmount), `${formatCount(m.claimsCount)} claims`],
      ['Paid', formatMoney(m.paidAmount), `${formatCount(m.paidCount)} claims paid`],
      ['Pending', formatMoney(m.pendingAmount), 'submitted, not yet assessed'],
      [
        'Rejection rate',
        formatRate(m.rejectionRate),
        `${formatCount(m.rejectedCount)} of ${formatCount(m.assessedCount)} assessed`,
      ],
      ['Average days to payment', formatDays(m.avgDaysToPayment), 'from submission to payment'],
    ];
    const { pdf } = this;
    const gap = 6;
    const tileWidth = (this.width - gap * (tiles.length - 1)) / tiles.length;
    const top = pdf.y;
    const height = 52;
    tiles.forEach(([label, value, detail], i) => {
      const x = MARGIN + i * (tileWidth + gap);
      const width = tileWidth - 12;
      pdf.roundedRect(x, top, tileWidth, height, 4).lineWidth(0.75).strokeColor(RULE).stroke();
      this.fit(label, x + 6, top + 6, width, 'left', REGULAR, 7.5, MUTED);
      this.fit(value, x + 6, top + 19, width, 'left', BOLD, 12);
      this.fit(detail, x + 6, top + 38, width, 'left', REGULAR, 6.5, MUTED);
    });
    pdf.y = top + height + 16;
  }

  monthly(monthly: Array<DashboardMetrics & { month: string }>, totals: DashboardMetrics) {
    const columns: Column[] = [
      { title: 'Month', width: 50, align: 'left' },
      { title: 'Claims', width: 38, align: 'right' },
      { title: 'Billed', width: 72, align: 'right' },
      { title: 'Paid', width: 72, align: 'right' },
      { title: 'Claims paid', width: 40, align: 'right' },
      { title: 'Pending', width: 72, align: 'right' },
      { title: 'Refused', width: 38, align: 'right' },
      { title: 'Assessed', width: 40, align: 'right' },
      { title: 'Rejection rate', width: 44, align: 'right' },
      { title: 'Avg days to payment', width: 50, align: 'right' },
    ];
    const cells = (label: string, m: DashboardMetrics) => [
      label,
      formatCount(m.claimsCount),
      formatMoney(m.billedAmount),
      formatMoney(m.paidAmount),
      formatCount(m.paidCount),
      formatMoney(m.pendingAmount),
      formatCount(m.rejectedCount),
      formatCount(m.assessedCount),
      formatRate(m.rejectionRate),
      m.avgDaysToPayment === null ? '—' : formatDays(m.avgDaysToPayment).replace(' days', ''),
    ];
    this.table(
      'Month by month',
      columns,
      monthly.map(({ month, ...m }) => cells(formatMonth(month), m)),
      cells('Total', totals),
    );
  }

  topCodes(codes: Array<{ healthServiceCode: string; claimsCount: number; billedAmount: string }>) {
    const columns: Column[] = [
      { title: 'Rank', width: 40, align: 'left' },
      { title: 'Health service code', width: 120, align: 'left' },
      { title: 'Claims', width: 80, align: 'right' },
      { title: 'Billed', width: 120, align: 'right' },
    ];
    const rows = codes.map((c, i) => [
      String(i + 1),
      c.healthServiceCode,
      formatCount(c.claimsCount),
      formatMoney(c.billedAmount),
    ]);
    if (rows.length === 0) rows.push(['', 'No claims billed in this period', '', '']);
    this.table('Top health service codes, by amount billed', columns, rows);
  }

  /** Page numbers and the statement's id at the foot of every page. */
  footers(id: string) {
    const { pdf } = this;
    const range = pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      const bottom = pdf.page.margins.bottom;
      // Writing below the bottom margin would start a new page.
      pdf.page.margins.bottom = 0;
      pdf
        .font(REGULAR)
        .fontSize(7)
        .fillColor(MUTED)
        .text(
          `Meritum statement ${id} · page ${i + 1} of ${range.count}`,
          MARGIN,
          pdf.page.height - MARGIN + 14,
          { width: this.width, align: 'center', lineBreak: false },
        );
      pdf.page.margins.bottom = bottom;
    }
  }

  private table(title: string, columns: Column[], rows: string[][], total?: string[]) {
    const { pdf } = this;
    // A table that fits on a page of its own is not split: a new page when this one is short.
    const whole = ROW * (rows.length + (total ? 3 : 2)) + 20;
    const room = pdf.page.height - MARGIN - pdf.y;
    if (whole > room && whole <= pdf.page.height - 2 * MARGIN) pdf.addPage();
    pdf.font(BOLD).fontSize(10).fillColor(INK).text(title, MARGIN, pdf.y);
    pdf.moveDown(0.3);
    this.row(
      columns,
      columns.map((c) => c.title),
      { bold: true, size: 7 },
    );
    rows.forEach((cells, i) => {
      this.row(columns, cells, { stripe: i % 2 === 1 });
    });
    if (total) this.row(columns, total, { bold: true, rule: true });
    pdf.moveDown(1);
  }

  private row(
    columns: Column[],
    cells: string[],
    style: { bold?: boolean; stripe?: boolean; rule?: boolean; size?: number } = {},
  ) {
    const { pdf } = this;
    if (pdf.y + ROW > pdf.page.height - MARGIN) pdf.addPage();
    const y = pdf.y;
    if (style.stripe) pdf.rect(MARGIN, y, this.width, ROW).fill(STRIPE);
    if (style.rule) {
      pdf
        .moveTo(MARGIN, y)
        .lineTo(MARGIN + this.width, y)
        .lineWidth(0.75)
        .strokeColor(MUTED)
        .stroke();
    }
    let x = MARGIN;
    columns.forEach((column, i) => {
      const font = style.bold ? BOLD : REGULAR;
      this.fit(
        cells[i] ?? '',
        x + 2,
        y + 4,
        column.width - 4,
        column.align,
        font,
        style.size ?? 7.5,
      );
      x += column.width;
    });
    pdf.y = y + ROW;
  }

  /** Writes text on one line, in a smaller size when it would not fit the width. */
  private fit(
    text: string,
    x: number,
    y: number,
    width: number,
    align: Align,
    font: typeof REGULAR | typeof BOLD,
    size: number,
    color = INK,
  ) {
    const { pdf } = this;
    pdf.font(font).fontSize(size);
    const natural = pdf.widthOfString(text);
    if (natural > width) pdf.fontSize(Math.max(4, (size * width) / natural));
    pdf.fillColor(color).text(text, x, y, { width, align, lineBreak: false });
  }
}
