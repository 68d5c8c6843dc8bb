import { BUSINESS_TIME_ZONE } from '../constants/time';

// Display formats for physicians in Alberta, for the web page and the PDF statement alike:
// Canadian dollars, and dates as Edmonton dates.
// Money and ratios arrive as exact decimal strings and are formatted from the strings, so no
// amount passes through a float on its way to the screen.

const LOCALE = 'en-CA';

const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'CAD' });
const count = new Intl.NumberFormat(LOCALE);
const percent = new Intl.NumberFormat(LOCALE, {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const days = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

type Decimal = `${number}`;

/** '12345.6' → '$12,345.60' */
export const formatMoney = (amount: string) => money.format(amount as Decimal);

/** 4200 → '4,200' */
export const formatCount = (n: number) => count.format(n);

/** '0.0834' → '8.3%'; null (nothing assessed) → '—' */
export const formatRate = (ratio: string | null) =>
  ratio === null ? '—' : percent.format(ratio as Decimal);

/** '23.4567' → '23.5 days'; null (nothing paid) → '—' */
export const formatDays = (ratio: string | null) =>
  ratio === null ? '—' : `${days.format(ratio as Decimal)} days`;

/**
 * A calendar date 'YYYY-MM-DD' is a date, not an instant: it is formatted in UTC from UTC
 * midnight, because midnight UTC is the previous evening in Edmonton.
 */
const calendarDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};

const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});
const monthFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
});

/** { start: '2026-01-01', end: '2026-03-31' } → 'Jan 1–Mar 31, 2026' */
export const formatPeriod = (period: { start: string; end: string }) =>
  dayFormat.formatRange(calendarDate(period.start), calendarDate(period.end));

/** '2026-03-01' → 'Mar 2026' */
export const formatMonth = (month: string) => monthFormat.format(calendarDate(month));

const instantFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: BUSINESS_TIME_ZONE,
  dateStyle: 'long',
  timeStyle: 'short',
});

/** An instant as Edmonton wall time: 'November 21, 2026 at 8:15 a.m.' */
export const formatInstant = (iso: string) => instantFormat.format(new Date(iso));

const stampParts = new Intl.DateTimeFormat(LOCALE, {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** An instant as an Edmonton timestamp for files: '2026-11-21 08:15:00 MST'. */
export function formatEdmontonTimestamp(instant: Date): string {
  const p = Object.fromEntries(stampParts.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}
