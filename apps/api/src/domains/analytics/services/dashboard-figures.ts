import {
  type AnalyticsCacheEntry,
  type DashboardMetrics,
  formatCents,
  type MetricKey,
  toCents,
} from '@meritum/shared';
import { DERIVED_METRICS, METRIC_DEFINITIONS } from '../metrics/definitions';

/** Metrics that add up fees: summed in cents. */
const MONEY: ReadonlySet<MetricKey> = new Set(
  METRIC_DEFINITIONS.filter(
    (d) => d.measure === 'fee_submitted' || d.measure === 'fee_assessed',
  ).map((d) => d.key),
);

/** Exact sums of stored metrics: money in cents, everything as BigInt. */
export type MetricSums = Map<MetricKey, bigint>;

export function addEntry(
  sums: MetricSums,
  entry: Pick<AnalyticsCacheEntry, 'metricKey' | 'value'>,
): void {
  const key = entry.metricKey as MetricKey;
  const amount = MONEY.has(key) ? toCents(entry.value) : BigInt(entry.value);
  sums.set(key, (sums.get(key) ?? 0n) + amount);
}

/** The dashboard's figures from summed parts: ratios are ratios of sums, never sums of ratios. */
export function figuresOf(sums: MetricSums): DashboardMetrics {
  const get = (key: MetricKey) => sums.get(key) ?? 0n;
  const { rejection_rate, avg_days_to_payment } = DERIVED_METRICS;
  return {
    claims_count: Number(get('claims_count')),
    billed_amount: formatCents(get('billed_amount')),
    paid_amount: formatCents(get('paid_amount')),
    paid_count: Number(get('paid_count')),
    rejected_count: Number(get('rejected_count')),
    assessed_count: Number(get('assessed_count')),
    pending_amount: formatCents(get('pending_amount')),
    rejection_rate: ratio(get(rejection_rate.numerator), get(rejection_rate.denominator)),
    avg_days_to_payment: ratio(
      get(avg_days_to_payment.numerator),
      get(avg_days_to_payment.denominator),
    ),
  };
}

const PLACES = 4n;
const SCALE = 10n ** PLACES;

/**
 * n / d as a decimal string with 4 places, rounded half away from zero (as SQL's round());
 * null when d is zero. Days to payment can be negative when a clock stepped back.
 */
export function ratio(numerator: bigint, denominator: bigint): string | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const scaled = (n * SCALE * 2n + d) / (d * 2n);
  const text = `${scaled / SCALE}.${String(scaled % SCALE).padStart(Number(PLACES), '0')}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}
