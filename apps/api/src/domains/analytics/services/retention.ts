import { addMonths, type Clock, edmontonDate, firstOfMonth, monthsBetween } from '@meritum/shared';

/** How many months the cache keeps, the current one included. */
export const RETENTION_MONTHS = 24;

/** The months the cache keeps: this Edmonton month and the 23 before it. */
export function retentionWindow(clock: Clock): string[] {
  const today = edmontonDate(clock.now());
  const first = addMonths(today.year, today.month, 1 - RETENTION_MONTHS);
  return monthsBetween(
    firstOfMonth(first.year, first.month),
    firstOfMonth(today.year, today.month),
  );
}
