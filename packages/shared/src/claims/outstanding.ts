/**
 * Age buckets of outstanding claims: whole days from the Edmonton date of submission to the
 * Edmonton date the figures are for. A claim is outstanding while it waits for an assessment
 * (submitted) or, refused, for a resubmission or a write-off (rejected).
 */
export const OUTSTANDING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;
export type OutstandingBucket = (typeof OUTSTANDING_BUCKETS)[number];

/** The oldest age, in days, each bucket holds; the last has no limit. */
export const OUTSTANDING_BUCKET_MAX_DAYS: Readonly<Record<OutstandingBucket, number | null>> = {
  '0-30': 30,
  '31-60': 60,
  '61-90': 90,
  '90+': null,
};

export const OUTSTANDING_STATES = ['submitted', 'rejected'] as const;
