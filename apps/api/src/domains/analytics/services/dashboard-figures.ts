import {
  type CacheEntryValues,
  type CacheFigure,
  type ClaimType,
  type DashboardMetrics,
  formatCents,
  type MetricKey,
  type PeriodFigures,
  toCents,
} from '@meritum/shared';
import { DERIVED_METRICS, METRIC_DEFINITIONS } from '../metrics/definitions';

const TOP_CODES = 10;

/** Metrics that add up fees: summed in cents. */
const MONEY: ReadonlySet<MetricKey> = new Set(
  METRIC_DEFINITIONS.filter((d) =>
    ['fee_submitted', 'fee_assessed', 'fee_lost'].includes(d.measure),
  ).map((d) => d.key),
);

/** Exact sums of stored metrics: money in cents, everything as BigInt. */
export type MetricSums = Map<MetricKey, bigint>;

export function addEntry(sums: MetricSums, entry: Pick<CacheFigure, 'metricKey' | 'value'>): void {
  const key = entry.metricKey as MetricKey;
  const amount = MONEY.has(key) ? toCents(entry.value) : BigInt(entry.value);
  sums.set(key, (sums.get(key) ?? 0n) + amount);
}

/** The dashboard's figures from summed parts: ratios are ratios of sums, never sums of ratios. */
export function figuresOf(sums: MetricSums): DashboardMetrics {
  const get = (key: MetricKey) => sums.get(key) ?? 0n;
  const { rejection_rate: rejection, avg_days_to_payment: days } = DERIVED_METRICS;
  return {
    claimsCount: Number(get('claims_count')),
    billedAmount: formatCents(get('billed_amount')),
    paidAmount: formatCents(get('paid_amount')),
    paidCount: Number(get('paid_count')),
    rejectedCount: Number(get('rejected_count')),
    assessedCount: Number(get('assessed_count')),
    pendingAmount: formatCents(get('pending_amount')),
    rejectionRate: ratio(get(rejection.numerator), get(rejection.denominator)),
    avgDaysToPayment: ratio(get(days.numerator), get(days.denominator)),
  };
}

/** Entries freshly computed from the claims, in the shape the cache returns them. */
export function figureRowsOf(entries: readonly CacheEntryValues[]): CacheFigure[] {
  return entries.map((e) => ({
    metricKey: e.metricKey,
    periodStart: e.periodStart,
    dimensions: e.dimensions,
    value: e.value,
  }));
}

/**
 * Whether a monthly row with these dimensions is a total of the claim type (or of every type):
 * no code, no reason, and the type alone ({} for every type).
 */
export function isTotalOf(dims: CacheFigure['dimensions'], claimType: ClaimType | undefined) {
  const keys = Object.keys(dims).length;
  return claimType ? keys === 1 && dims.claim_type === claimType : keys === 0;
}

/**
 * A period's totals, its monthly series and its top codes, from its monthly rows (cached, or
 * computed from the claims): for all claims, or for one claim type.
 */
export function summarise(
  rows: readonly CacheFigure[],
  months: readonly string[],
  claimType: ClaimType | undefined,
): PeriodFigures {
  const totals: MetricSums = new Map();
  const byMonth = new Map<string, MetricSums>(months.map((m) => [m, new Map()]));
  const byCode = new Map<string, MetricSums>();
  for (const row of rows) {
    const dims = row.dimensions;
    if ('health_service_code' in dims) {
      if (claimType && dims.claim_type !== claimType) continue;
      const code = String(dims.health_service_code);
      if (!byCode.has(code)) byCode.set(code, new Map());
      addEntry(byCode.get(code) as MetricSums, row);
    } else if (isTotalOf(dims, claimType)) {
      addEntry(totals, row);
      const month = byMonth.get(row.periodStart);
      if (month) addEntry(month, row);
    }
  }
  const codes = [...byCode].map(([healthServiceCode, sums]) => {
    const { claimsCount, billedAmount } = figuresOf(sums);
    return { healthServiceCode, claimsCount, billedAmount, cents: sums.get('billed_amount') ?? 0n };
  });
  codes.sort((a, b) =>
    a.cents === b.cents
      ? a.healthServiceCode.localeCompare(b.healthServiceCode)
      : a.cents > b.cents
        ? -1
        : 1,
  );
  return {
    metrics: figuresOf(totals),
    monthly: [...byMonth].map(([month, sums]) => ({ month, ...figuresOf(sums) })),
    topHealthServiceCodes: codes.slice(0, TOP_CODES).map(({ cents: _, ...code }) => code),
  };
}

const PLACES = 4n;
/** A ratio's written places as a factor: 1.2345 is 12,345 of these. */
export const RATIO_SCALE = 10n ** PLACES;

/**
 * n / d as a decimal string with 4 places, rounded half away from zero (as SQL's round());
 * null when d is zero. Days to payment can be negative when a clock stepped back.
 */
export function ratio(numerator: bigint, denominator: bigint): string | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const scaled = (n * RATIO_SCALE * 2n + d) / (d * 2n);
  const text = `${scaled / RATIO_SCALE}.${String(scaled % RATIO_SCALE).padStart(Number(PLACES), '0')}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}
