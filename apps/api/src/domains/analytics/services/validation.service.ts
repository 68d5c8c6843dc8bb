import {
  type AnalyticsCacheEntry,
  lastOfMonth,
  MONTHLY_METRIC_KEYS,
  monthsBetween,
  parseDate,
} from '@meritum/shared';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';
import { MetricsCalculator } from '../metrics/metrics-calculator';
import { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';

export interface Mismatch {
  metricKey: string;
  periodStart: string;
  dimensions: Record<string, unknown>;
  cached: string | null;
  computed: string | null;
}

const endOfMonth = (firstDay: string) => {
  const { year, month } = parseDate(firstDay);
  return lastOfMonth(year, month);
};

const keyOf = (e: { metricKey: string; periodStart: string; dimensions?: object }) =>
  `${e.metricKey}|${e.periodStart}|${JSON.stringify(e.dimensions ?? {})}`;
/** Numeric text in one form: '5.50' and '5.5' agree, and a missing row is zero. */
const normal = (value: string | null) =>
  value === null ? '0' : value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;

/**
 * Recomputes a period from the claims and compares it with the cache, both read in one
 * REPEATABLE READ snapshot, so that a difference is a real one and not a commit in between.
 */
export function createValidationService(db: Database) {
  return {
    async validate(providerId: string, start: string, end: string) {
      // Whole months, as the cache stores them: a range ending mid-month still checks that month.
      const months = monthsBetween(start, end);
      const through = endOfMonth(months.at(-1) ?? end);
      const { computed, cached } = await withProviderScope(
        db,
        providerId,
        async (tx) => ({
          computed: await new MetricsCalculator(tx).compute(months),
          cached: await new AnalyticsCacheRepo(tx).getMetrics(
            MONTHLY_METRIC_KEYS,
            months[0] ?? start,
            through,
          ),
        }),
        { isolation: 'repeatable read', readOnly: true },
      );
      const cachedByKey = new Map<string, AnalyticsCacheEntry>(cached.map((e) => [keyOf(e), e]));
      const computedByKey = new Map(computed.entries.map((e) => [keyOf(e), e]));
      const mismatches: Mismatch[] = [];
      for (const key of new Set([...cachedByKey.keys(), ...computedByKey.keys()])) {
        const c = cachedByKey.get(key);
        const f = computedByKey.get(key);
        const cachedValue = c?.value ?? null;
        const computedValue = f ? String(f.value) : null;
        if (normal(cachedValue) !== normal(computedValue)) {
          const [metricKey = '', periodStart = ''] = key.split('|');
          mismatches.push({
            metricKey,
            periodStart,
            dimensions: (c?.dimensions ?? f?.dimensions ?? {}) as Record<string, unknown>,
            cached: cachedValue,
            computed: computedValue,
          });
        }
      }
      return {
        consistent: mismatches.length === 0,
        checked: computedByKey.size,
        sourceVersion: computed.sourceVersion,
        mismatches,
      };
    },
  };
}

export type ValidationService = ReturnType<typeof createValidationService>;
