import { z } from 'zod';
import { ClaimType } from '../claims/claim';
import { OUTSTANDING_BUCKETS } from '../claims/outstanding';
import { monthSpan } from '../dates/business-dates';
import { MAX_PERIOD_MONTHS, PeriodOption } from '../dates/periods';
import { IsoDate } from '../validation/primitives';

/** A range of dates: start not after end, and at most the cache's 24 months. */
export const withinMaxSpan = (q: { start: string; end: string }) =>
  q.start <= q.end && monthSpan(q.start, q.end) <= MAX_PERIOD_MONTHS;
/** Give Zod a copy (`{ ...spanIssue }`): its refine() moves `message` out of the object it gets. */
export const spanIssue = {
  message: `start must not be after end, and a range spans at most ${MAX_PERIOD_MONTHS} months`,
  path: ['end'],
};

type PeriodFields = {
  period?: PeriodOption | undefined;
  start?: string | undefined;
  end?: string | undefined;
};

/**
 * The period rules of every query that names one, checked once at the boundary: start and end
 * go with `custom` only, and a custom period has both, in order, at most 24 months apart.
 * `resolvePeriod` trusts what passed them.
 */
export function withPeriodRules<S extends z.ZodType<PeriodFields>>(schema: S) {
  return schema
    .refine((q) => q.period === 'custom' || (q.start === undefined && q.end === undefined), {
      message: 'start and end go with period=custom only',
      path: ['period'],
    })
    .refine((q) => q.period !== 'custom' || (q.start !== undefined && q.end !== undefined), {
      message: 'a custom period needs both start and end',
      path: ['start'],
    })
    .refine(
      (q) =>
        q.period !== 'custom' ||
        q.start === undefined ||
        q.end === undefined ||
        withinMaxSpan({ start: q.start, end: q.end }),
      { ...spanIssue },
    );
}

/** GET /analytics/dashboard: a period option (custom takes start and end) and a claim type. */
export const DashboardQuery = withPeriodRules(
  z.strictObject({
    period: PeriodOption,
    start: IsoDate.optional(),
    end: IsoDate.optional(),
    claimType: ClaimType.optional(),
  }),
);
export type DashboardQuery = z.infer<typeof DashboardQuery>;

/** Money as the API writes it: an exact decimal string with two places. */
export const MoneyString = z.string().regex(/^-?\d+\.\d{2}$/);
/** A ratio as the API writes it: four places, or null when its denominator is zero. */
export const RatioString = z
  .string()
  .regex(/^-?\d+\.\d{4}$/)
  .nullable();
const Count = z.number().int().nonnegative();

/** The figures of a period (or of one of its months): the metrics of docs/metrics.md, in camelCase. */
export const DashboardMetrics = z.object({
  claimsCount: Count,
  billedAmount: MoneyString,
  paidAmount: MoneyString,
  paidCount: Count,
  rejectedCount: Count,
  assessedCount: Count,
  pendingAmount: MoneyString,
  rejectionRate: RatioString,
  avgDaysToPayment: RatioString,
});
export type DashboardMetrics = z.infer<typeof DashboardMetrics>;

export const FRESHNESS_STATES = ['fresh', 'stale', 'refreshing', 'cold'] as const;
export const FreshnessState = z.enum(FRESHNESS_STATES);
export type FreshnessState = z.infer<typeof FreshnessState>;

/** A health service code among the period's top ten, by amount billed. */
export const TopCode = z.object({
  healthServiceCode: z.string().min(1),
  claimsCount: Count,
  billedAmount: MoneyString,
});
export type TopCode = z.infer<typeof TopCode>;

/** A period's figures: its totals, each of its months, and its top codes. */
export const PeriodFigures = z.object({
  metrics: DashboardMetrics,
  monthly: z.array(DashboardMetrics.extend({ month: IsoDate })),
  topHealthServiceCodes: z.array(TopCode),
});
export type PeriodFigures = z.infer<typeof PeriodFigures>;

/** A resolved period: whole Edmonton months, inclusive. */
export const PeriodRange = z.object({ start: IsoDate, end: IsoDate });

/** An explanatory code with what it means (null when the project's table lacks it). */
const Reason = z.object({
  /** A code of the assessment, or `none` for claims refused without one. */
  explanatoryCode: z.string().min(1),
  description: z.string().nullable(),
});

/** Claims refused, by service month, under one explanatory code (a claim under each of its codes). */
export const RefusalReason = Reason.extend({ claimsCount: Count, amount: MoneyString });
export type RefusalReason = z.infer<typeof RefusalReason>;

/** Submitted minus assessed of claims adjusted, by payment month, under one code. */
export const AdjustmentReason = Reason.extend({ amountLost: MoneyString });
export type AdjustmentReason = z.infer<typeof AdjustmentReason>;

export const OutstandingBucketName = z.enum(OUTSTANDING_BUCKETS);

/** Claims still owed as of a day in Edmonton, by days since submission. */
export const OutstandingFigures = z.object({
  /** The Edmonton day the figures were computed for; null before the first refresh. */
  asOf: IsoDate.nullable(),
  buckets: z.array(
    z.object({ bucket: OutstandingBucketName, claimsCount: Count, amount: MoneyString }),
  ),
  total: z.object({ claimsCount: Count, amount: MoneyString }),
});
export type OutstandingFigures = z.infer<typeof OutstandingFigures>;

const SignedCount = z.number().int();

/** Each KPI of a period minus the same KPI of the period before it: null when either is null. */
export const MetricChange = z.object({
  claimsCount: SignedCount,
  billedAmount: MoneyString,
  paidAmount: MoneyString,
  paidCount: SignedCount,
  rejectedCount: SignedCount,
  assessedCount: SignedCount,
  pendingAmount: MoneyString,
  rejectionRate: RatioString,
  avgDaysToPayment: RatioString,
});
export type MetricChange = z.infer<typeof MetricChange>;

/** The previous period of equal length (the months just before), its KPIs and the change. */
export const Comparison = z.object({
  period: PeriodRange,
  metrics: DashboardMetrics,
  change: MetricChange,
});
export type Comparison = z.infer<typeof Comparison>;

/**
 * The dashboard response: what every client of GET /analytics/dashboard reads. Objects are not
 * strict, so a client keeps working when the API adds a field; the API's tests hold the API to
 * exactly these keys.
 */
export const DashboardResponse = PeriodFigures.extend({
  period: PeriodRange,
  /** Refused claims of the period by explanatory code, most dollars first. */
  refusals: z.array(RefusalReason),
  /** Amounts lost to adjustments of claims paid in the period, by explanatory code. */
  adjustments: z.array(AdjustmentReason),
  outstanding: OutstandingFigures,
  comparison: Comparison,
  freshness: z.object({
    state: FreshnessState,
    computedAt: z.iso.datetime({ offset: true }).nullable(),
    ageSeconds: z.number().int().nonnegative().nullable(),
    sourceVersion: z.string().nullable(),
  }),
});
export type DashboardResponse = z.infer<typeof DashboardResponse>;
