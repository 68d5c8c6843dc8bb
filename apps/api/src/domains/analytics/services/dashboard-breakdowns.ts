import {
  type AdjustmentReason,
  type CacheFigure,
  type ClaimType,
  type Comparison,
  type DashboardMetrics,
  explanatoryCodeDescription,
  formatCents,
  type MetricChange,
  OUTSTANDING_BUCKETS,
  type OutstandingFigures,
  type RefusalReason,
  type ResolvedPeriod,
  toCents,
} from '@meritum/shared';
import {
  addEntry,
  figuresOf,
  type MetricSums,
  RATIO_SCALE,
  ratio,
  summarise,
} from './dashboard-figures';

/** Sums of the by-reason rows of the claim type (or all types), per explanatory code. */
function byReason(rows: readonly CacheFigure[], claimType: ClaimType | undefined) {
  const sums = new Map<string, MetricSums>();
  for (const row of rows) {
    const { explanatory_code: code, claim_type: type } = row.dimensions;
    if (code === undefined || (claimType && type !== claimType)) continue;
    const key = String(code);
    if (!sums.has(key)) sums.set(key, new Map());
    addEntry(sums.get(key) as MetricSums, row);
  }
  return sums;
}

const byAmount =
  <T extends { explanatoryCode: string }>(amount: (r: T) => bigint) =>
  (a: T, b: T) =>
    amount(a) === amount(b)
      ? a.explanatoryCode.localeCompare(b.explanatoryCode)
      : amount(a) > amount(b)
        ? -1
        : 1;

const described = (explanatoryCode: string) => ({
  explanatoryCode,
  description: explanatoryCodeDescription(explanatoryCode),
});

/** Why claims of the period were refused: count and dollars per code, most dollars first. */
export function refusalsOf(
  rows: readonly CacheFigure[],
  claimType: ClaimType | undefined,
): RefusalReason[] {
  const reasons: RefusalReason[] = [];
  for (const [code, sums] of byReason(rows, claimType)) {
    const count = sums.get('rejected_count') ?? 0n;
    if (count === 0n) continue;
    reasons.push({
      ...described(code),
      claimsCount: Number(count),
      amount: formatCents(sums.get('rejected_amount') ?? 0n),
    });
  }
  return reasons.sort(byAmount((r) => toCents(r.amount)));
}

/** What adjustments of claims paid in the period took, per code, most first. */
export function adjustmentsOf(
  rows: readonly CacheFigure[],
  claimType: ClaimType | undefined,
): AdjustmentReason[] {
  const reasons: AdjustmentReason[] = [];
  for (const [code, sums] of byReason(rows, claimType)) {
    const lost = sums.get('adjustment_loss');
    if (lost === undefined) continue;
    reasons.push({ ...described(code), amountLost: formatCents(lost) });
  }
  return reasons.sort(byAmount((r) => toCents(r.amountLost)));
}

/** The outstanding figures by bucket (every bucket, zeros included) and their total. */
export function outstandingOf(
  rows: readonly CacheFigure[],
  asOf: string | null,
  claimType: ClaimType | undefined,
): OutstandingFigures {
  const byBucket = new Map<string, MetricSums>(OUTSTANDING_BUCKETS.map((b) => [b, new Map()]));
  const total: MetricSums = new Map();
  for (const row of rows) {
    const dims = row.dimensions;
    if (claimType ? dims.claim_type !== claimType : 'claim_type' in dims) continue;
    const sums = byBucket.get(String(dims.age_bucket));
    if (!sums) continue;
    addEntry(sums, row);
    addEntry(total, row);
  }
  const figure = (sums: MetricSums) => ({
    claimsCount: Number(sums.get('outstanding_count') ?? 0n),
    amount: formatCents(sums.get('outstanding_amount') ?? 0n),
  });
  return {
    asOf,
    buckets: OUTSTANDING_BUCKETS.map((bucket) => ({
      bucket,
      ...figure(byBucket.get(bucket) as MetricSums),
    })),
    total: figure(total),
  };
}

/** The previous period's KPIs, from its totals summed by metric, and the change to `current`. */
export function comparisonOf(
  current: DashboardMetrics,
  previousTotals: ReadonlyArray<Pick<CacheFigure, 'metricKey' | 'value'>>,
  period: ResolvedPeriod,
): Comparison {
  const sums: MetricSums = new Map();
  for (const total of previousTotals) addEntry(sums, total);
  const metrics = figuresOf(sums);
  return { period, metrics, change: changeOf(current, metrics) };
}

type Kpi = keyof DashboardMetrics;
const COUNTS = ['claimsCount', 'paidCount', 'rejectedCount', 'assessedCount'] as const;
const MONEY = ['billedAmount', 'paidAmount', 'pendingAmount'] as const;
const RATIOS = ['rejectionRate', 'avgDaysToPayment'] as const;

/** current minus previous, exactly: counts as integers, money in cents, ratios to four places. */
function changeOf(current: DashboardMetrics, previous: DashboardMetrics): MetricChange {
  const change: Partial<Record<Kpi, number | string | null>> = {};
  for (const k of COUNTS) change[k] = current[k] - previous[k];
  for (const k of MONEY) change[k] = formatCents(toCents(current[k]) - toCents(previous[k]));
  for (const k of RATIOS) change[k] = ratioDifference(current[k], previous[k]);
  return change as MetricChange;
}

/** The difference of two ratios as written (four places), written the same way. */
function ratioDifference(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  const scaled = (r: string) => BigInt(r.replace('.', ''));
  return ratio(scaled(a) - scaled(b), RATIO_SCALE);
}

/**
 * The shape of what dashboardFigures answers, as kept in analytics_dashboard_figures: raise it
 * with any change to that shape, to how a figure is assembled or to a code's description, and
 * the figures kept by the release before are never served (dashboard-breakdowns.test.ts records
 * each format's digest).
 */
export const FIGURES_FORMAT = 1;

/** What the dashboard shows of a period, from what it read (or what was computed live). */
export function dashboardFigures(read: {
  /** The period's monthly totals and its rows by code and by reason. */
  rows: readonly CacheFigure[];
  /** The previous period's totals, by metric. */
  previous: ReadonlyArray<Pick<CacheFigure, 'metricKey' | 'value'>>;
  outstanding: readonly CacheFigure[];
  outstandingAsOf: string | null;
  months: readonly string[];
  previousPeriod: ResolvedPeriod;
  claimType: ClaimType | undefined;
}) {
  const { rows, claimType } = read;
  const summary = summarise(rows, read.months, claimType);
  return {
    ...summary,
    refusals: refusalsOf(rows, claimType),
    adjustments: adjustmentsOf(rows, claimType),
    outstanding: outstandingOf(read.outstanding, read.outstandingAsOf, claimType),
    comparison: comparisonOf(summary.metrics, read.previous, read.previousPeriod),
  };
}
