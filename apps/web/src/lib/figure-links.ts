import {
  type ClaimState,
  type ClaimType,
  type DashboardMetrics,
  lastOfMonth,
  type OutstandingBucket,
  parseDate,
} from '@meritum/shared/client';
import type { ClaimsFilter } from './claims-filter';

// The claims behind each figure of the dashboard: the filters of GET /claims under which the
// list's totals equal the figure (docs/metrics.md defines the figures). One place, so a figure
// and its list cannot drift apart.

export type MetricKey = keyof DashboardMetrics;

/** What the dashboard shows: a period of whole months, and a claim type or all of them. */
export interface FigureScope {
  period: { start: string; end: string };
  claimType?: ClaimType | undefined;
}

/** Billed: every claim past draft, by date of service. */
const BILLED: ClaimState[] = ['submitted', 'paid', 'adjusted', 'rejected', 'written_off'];
/** Paid: paid in full or adjusted, by Edmonton date of payment. */
const PAID: ClaimState[] = ['paid', 'adjusted'];
const REFUSED: ClaimState[] = ['rejected', 'written_off'];
const ASSESSED: ClaimState[] = ['paid', 'adjusted', 'rejected', 'written_off'];
const PENDING: ClaimState[] = ['submitted'];

const typeOf = (claimType: ClaimType | undefined) => (claimType ? { claimType } : {});

const served = ({ period, claimType }: FigureScope, state: ClaimState[]): ClaimsFilter => ({
  serviceFrom: period.start,
  serviceTo: period.end,
  ...typeOf(claimType),
  state,
});

const paid = ({ period, claimType }: FigureScope, state: ClaimState[]): ClaimsFilter => ({
  paidFrom: period.start,
  paidTo: period.end,
  ...typeOf(claimType),
  state,
});

/**
 * The claims behind a KPI. The list's count is the metric's count (claimsCount, paidCount,
 * rejectedCount, assessedCount); its submitted total is billedAmount or pendingAmount, its
 * assessed total paidAmount. A rate or an average leads to the claims it is computed over.
 */
export function metricClaims(metric: MetricKey, scope: FigureScope): ClaimsFilter {
  switch (metric) {
    case 'claimsCount':
    case 'billedAmount':
      return served(scope, BILLED);
    case 'paidCount':
    case 'paidAmount':
    case 'avgDaysToPayment':
      return paid(scope, PAID);
    case 'rejectedCount':
    case 'rejectionRate':
      return served(scope, REFUSED);
    case 'assessedCount':
      return served(scope, ASSESSED);
    case 'pendingAmount':
      return served(scope, PENDING);
  }
}

/** A month of the monthly table ('2026-07-01'): its first to its last day. */
export function monthPeriod(month: string): FigureScope['period'] {
  const { year, month: m } = parseDate(month);
  return { start: month, end: lastOfMonth(year, m) };
}

/** A month's figure: the same claims as the period's, within that month. */
export const monthClaims = (metric: MetricKey, month: string, claimType?: ClaimType) =>
  metricClaims(metric, { period: monthPeriod(month), claimType });

/** A top health service code: the claims it billed (count and billed amount). */
export const topCodeClaims = (healthServiceCode: string, scope: FigureScope): ClaimsFilter => ({
  ...metricClaims('claimsCount', scope),
  healthServiceCode,
});

/**
 * A refusal reason: claims refused (rejected or written off) under the code, by date of service;
 * count is claimsCount, submitted is the amount. `none`: refused without any code.
 */
export const refusalClaims = (explanatoryCode: string, scope: FigureScope): ClaimsFilter => ({
  ...metricClaims('rejectedCount', scope),
  explanatoryCode,
});

/** An adjustment reason: claims adjusted under the code, by date of payment; submitted minus assessed is the amount lost. */
export const adjustmentClaims = (explanatoryCode: string, scope: FigureScope): ClaimsFilter => ({
  ...paid(scope, ['adjusted']),
  explanatoryCode,
});

/** An outstanding bucket: claims still owed that old today; no period (they age into it). */
export const outstandingClaims = (
  outstanding: OutstandingBucket,
  claimType?: ClaimType,
): ClaimsFilter => ({ ...typeOf(claimType), outstanding });
