import { BUSINESS_TIME_ZONE } from '../constants/time';

/** Where "now" comes from: injected, so tests can stand at any instant. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const localParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

/** The calendar date in Edmonton at an instant: 06:30 UTC on 1 December is 30 November there. */
export function edmontonDate(instant: Date): LocalDate {
  const parts = Object.fromEntries(localParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** 'YYYY-MM-DD' of the Edmonton calendar date at an instant. */
export function edmontonDateString(instant: Date): string {
  return formatDate(edmontonDate(instant));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 'YYYY-MM-DD' of a local date. */
export function formatDate({ year, month, day }: LocalDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseDate(date: string): LocalDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** The month `offset` months from (year, month): offset -1 is the month before. */
export function addMonths(
  year: number,
  month: number,
  offset: number,
): { year: number; month: number } {
  const index = year * 12 + (month - 1) + offset;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function firstOfMonth(year: number, month: number): string {
  return formatDate({ year, month, day: 1 });
}

export function lastOfMonth(year: number, month: number): string {
  return formatDate({ year, month, day: daysInMonth(year, month) });
}

/** Whole months from a to b inclusive, counted by calendar month ('2026-01-31'..'2026-02-01' is 2). */
export function monthSpan(start: string, end: string): number {
  const a = parseDate(start);
  const b = parseDate(end);
  return (b.year - a.year) * 12 + (b.month - a.month) + 1;
}

/** The first day of each month from the month of `start` to the month of `end`. */
export function monthsBetween(start: string, end: string): string[] {
  const a = parseDate(start);
  return Array.from({ length: Math.max(0, monthSpan(start, end)) }, (_, i) => {
    const m = addMonths(a.year, a.month, i);
    return firstOfMonth(m.year, m.month);
  });
}
