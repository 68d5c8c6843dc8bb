import { type ClaimState, type MetricKey, OUTSTANDING_STATES } from '@meritum/shared';

/**
 * Which period a claim counts in: the month of its date of service, the month of its payment in
 * Edmonton, or (`outstanding`) the Edmonton day the figures are computed for, in an age bucket.
 */
export type MetricBasis = 'service_month' | 'payment_month' | 'outstanding';

/** The bases whose figures are stored per month. */
export type MonthBasis = Exclude<MetricBasis, 'outstanding'>;

/** What a claim adds to a metric. `fee_lost` is fee_submitted minus fee_assessed. */
export type MetricMeasure =
  | 'count'
  | 'fee_submitted'
  | 'fee_assessed'
  | 'fee_lost'
  | 'days_to_payment';

/**
 * The dimension sets a metric is stored under: `all` is `{}`, `claim_type` is
 * `{claim_type}`, `health_service_code` is `{claim_type, health_service_code}`,
 * `explanatory_code` is `{claim_type, explanatory_code}` (a claim counts once under each of its
 * codes, under `none` when it has none). Outstanding metrics add `age_bucket` to each.
 */
export type DimensionSet = 'all' | 'claim_type' | 'health_service_code' | 'explanatory_code';

export interface MetricDefinition {
  key: MetricKey;
  basis: MetricBasis;
  /** The claim states it counts. */
  states: readonly ClaimState[];
  measure: MetricMeasure;
  dimensions: readonly DimensionSet[];
  description: string;
}

const NOT_DRAFT: readonly ClaimState[] = [
  'submitted',
  'paid',
  'adjusted',
  'rejected',
  'written_off',
];
const PAID: readonly ClaimState[] = ['paid', 'adjusted'];
const BY_TYPE: readonly DimensionSet[] = ['all', 'claim_type'];
const BY_TYPE_AND_CODE: readonly DimensionSet[] = ['all', 'claim_type', 'health_service_code'];
const BY_TYPE_AND_REASON: readonly DimensionSet[] = ['all', 'claim_type', 'explanatory_code'];
const REFUSED: readonly ClaimState[] = ['rejected', 'written_off'];

/**
 * The metrics (design section 6, and the refusal, adjustment and outstanding figures), the one
 * place they are defined: the calculator's SQL is
 * generated from this table, and docs/metrics.md writes it out.
 */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    key: 'claims_count',
    basis: 'service_month',
    states: NOT_DRAFT,
    measure: 'count',
    dimensions: BY_TYPE_AND_CODE,
    description: 'Claims billed (any state but draft).',
  },
  {
    key: 'billed_amount',
    basis: 'service_month',
    states: NOT_DRAFT,
    measure: 'fee_submitted',
    dimensions: BY_TYPE_AND_CODE,
    description: 'Sum of fee_submitted of claims billed.',
  },
  {
    key: 'rejected_count',
    basis: 'service_month',
    states: REFUSED,
    measure: 'count',
    dimensions: BY_TYPE_AND_REASON,
    description: 'Claims refused (rejected, or rejected and written off).',
  },
  {
    key: 'rejected_amount',
    basis: 'service_month',
    states: REFUSED,
    measure: 'fee_submitted',
    dimensions: BY_TYPE_AND_REASON,
    description: 'Sum of fee_submitted of claims refused.',
  },
  {
    key: 'assessed_count',
    basis: 'service_month',
    states: ['paid', 'adjusted', 'rejected', 'written_off'],
    measure: 'count',
    dimensions: BY_TYPE,
    description: 'Claims the payer has decided on.',
  },
  {
    key: 'pending_amount',
    basis: 'service_month',
    states: ['submitted'],
    measure: 'fee_submitted',
    dimensions: BY_TYPE,
    description: 'Sum of fee_submitted of claims awaiting a decision.',
  },
  {
    key: 'paid_count',
    basis: 'payment_month',
    states: PAID,
    measure: 'count',
    dimensions: BY_TYPE,
    description: 'Claims paid (in full or adjusted).',
  },
  {
    key: 'paid_amount',
    basis: 'payment_month',
    states: PAID,
    measure: 'fee_assessed',
    dimensions: BY_TYPE,
    description: 'Sum of fee_assessed of claims paid.',
  },
  {
    key: 'days_to_payment_sum',
    basis: 'payment_month',
    states: PAID,
    measure: 'days_to_payment',
    dimensions: BY_TYPE,
    description: 'Sum over claims paid of (paid date - submitted date) in days, Edmonton dates.',
  },
  {
    key: 'adjustment_loss',
    basis: 'payment_month',
    states: ['adjusted'],
    measure: 'fee_lost',
    dimensions: BY_TYPE_AND_REASON,
    description:
      'Sum of fee_submitted - fee_assessed of claims adjusted (negative when paid more).',
  },
  {
    key: 'outstanding_count',
    basis: 'outstanding',
    states: OUTSTANDING_STATES,
    measure: 'count',
    dimensions: BY_TYPE,
    description:
      'Claims awaiting an assessment, or refused and awaiting resubmission or write-off.',
  },
  {
    key: 'outstanding_amount',
    basis: 'outstanding',
    states: OUTSTANDING_STATES,
    measure: 'fee_submitted',
    dimensions: BY_TYPE,
    description: 'Sum of fee_submitted of the outstanding claims.',
  },
];

/** Ratios derived when read from summed parts; never stored. */
export const DERIVED_METRICS = {
  rejection_rate: { numerator: 'rejected_count', denominator: 'assessed_count' },
  avg_days_to_payment: { numerator: 'days_to_payment_sum', denominator: 'paid_count' },
} as const satisfies Record<string, { numerator: MetricKey; denominator: MetricKey }>;

/**
 * The states some metric of `basis` counts: a month holding a claim in one of them has stored
 * rows once computed, and a month without one is zeros everywhere.
 */
export function countedStates(basis: MonthBasis): ClaimState[] {
  return [...new Set(METRIC_DEFINITIONS.filter((d) => d.basis === basis).flatMap((d) => d.states))];
}
