import type { ClaimState, MetricKey } from '@meritum/shared';

/** Which month a claim counts in: the month of its date of service, or of its payment in Edmonton. */
export type MetricBasis = 'service_month' | 'payment_month';

/** What a claim adds to a metric. */
export type MetricMeasure = 'count' | 'fee_submitted' | 'fee_assessed' | 'days_to_payment';

/**
 * The dimension sets a metric is stored under: `all` is `{}`, `claim_type` is
 * `{claim_type}`, `health_service_code` is `{claim_type, health_service_code}`.
 */
export type DimensionSet = 'all' | 'claim_type' | 'health_service_code';

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

/**
 * The v1 metrics (design section 6), the one place they are defined: the calculator's SQL is
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
    states: ['rejected', 'written_off'],
    measure: 'count',
    dimensions: BY_TYPE,
    description: 'Claims refused (rejected, or rejected and written off).',
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
export function countedStates(basis: MetricBasis): ClaimState[] {
  return [...new Set(METRIC_DEFINITIONS.filter((d) => d.basis === basis).flatMap((d) => d.states))];
}
