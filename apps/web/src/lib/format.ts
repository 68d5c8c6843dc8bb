// Formats only the web page uses; the rest are shared with the PDF statement
// (@meritum/shared/client: formatMoney, formatPeriod, formatInstant, ...).

const LOCALE = 'en-CA';

const moneyAxis = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: 'CAD',
  notation: 'compact',
  maximumFractionDigits: 1,
});

/** A chart axis tick, 12000 → '$12K': a position on a scale, not an amount anyone reads exactly. */
export const formatMoneyAxis = (value: number) => moneyAxis.format(value);

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });

/** Seconds ago → 'just now', '12 minutes ago', '3 hours ago', '2 days ago'. */
export function formatAgo(seconds: number): string {
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return relative.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return relative.format(-hours, 'hour');
  return relative.format(-Math.floor(hours / 24), 'day');
}

const kilobytes = new Intl.NumberFormat(LOCALE, {
  style: 'unit',
  unit: 'kilobyte',
  maximumFractionDigits: 1,
});
const megabytes = new Intl.NumberFormat(LOCALE, {
  style: 'unit',
  unit: 'megabyte',
  maximumFractionDigits: 1,
});
const wholeBytes = new Intl.NumberFormat(LOCALE);

/** A file's size: 812 → '812 bytes', 2140 → '2.1 kB', 1_250_000 → '1.3 MB' (SI units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${wholeBytes.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 999_950) return kilobytes.format(bytes / 1000);
  return megabytes.format(bytes / 1_000_000);
}

const monthRange = new Intl.DateTimeFormat(LOCALE, {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
});

const dayRange = new Intl.DateTimeFormat(LOCALE, {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});

const utcDate = (date: string) => {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};
const isFirstOfMonth = (date: string) => date.endsWith('-01');
const isLastOfMonth = (date: string) => {
  const next = utcDate(date);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCDate() === 1;
};

/**
 * A range of dates as months when it is whole months: 'Jul–Sep 2026', 'Sep 2026',
 * 'Oct 2025–Sep 2026'; otherwise day by day, 'Jul 3–Sep 12, 2026'.
 */
export function formatMonths(range: { start: string; end: string }): string {
  if (!isFirstOfMonth(range.start) || !isLastOfMonth(range.end)) {
    return dayRange.formatRange(utcDate(range.start), utcDate(range.end));
  }
  return monthRange.formatRange(utcDate(range.start), utcDate(range.end));
}

/** A calendar date: '2026-07-03' → 'Jul 3, 2026'. */
export const formatDay = (date: string) => dayRange.format(utcDate(date));
