import { addMonths, type Clock, edmontonDate, firstOfMonth, monthsBetween } from '@meritum/shared';

/** How many months the cache's window holds, the current one included. */
export const RETENTION_MONTHS = 24;

/**
 * The cache's window: this Edmonton month and the 23 before it. Every month in it is computed
 * by a provider's first refresh and recomputed by the nightly job; the cache also keeps months
 * before it, once a request or a claim change has computed them.
 */
export function retentionWindow(clock: Clock): string[] {
  const today = edmontonDate(clock.now());
  const first = addMonths(today.year, today.month, 1 - RETENTION_MONTHS);
  return monthsBetween(
    firstOfMonth(first.year, first.month),
    firstOfMonth(today.year, today.month),
  );
}

/**
 * The months of `months` (first days) before `window`: stored once computed, like the months in
 * it, but nothing computes them ahead of a request, so a read checks which of them are missing.
 */
export function monthsBeforeWindow(window: readonly string[], months: readonly string[]): string[] {
  const first = window[0];
  return first === undefined ? [] : months.filter((month) => month < first);
}
