import {
  type ClaimState,
  explanatoryCodeDescription,
  formatPeriod,
  NO_EXPLANATORY_CODE,
  type OutstandingBucket,
} from '@meritum/shared/client';
import type { ClaimsFilter } from './claims-filter';
import { formatDay, formatMonths } from './format';

// How the claims pages say what a claim is and which claims a list holds.

export const CLAIM_STATE_LABELS: Record<ClaimState, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  paid: 'Paid',
  adjusted: 'Adjusted',
  rejected: 'Rejected',
  written_off: 'Written off',
};

export const BUCKET_LABELS: Record<OutstandingBucket, string> = {
  '0-30': '0–30 days',
  '31-60': '31–60 days',
  '61-90': '61–90 days',
  '90+': 'Over 90 days',
};

/** A code as a column shows it: `none` is a refusal that came without one. */
export const codeLabel = (code: string) => (code === NO_EXPLANATORY_CODE ? 'No code' : code);

/**
 * What a code means: the API's description, else the project's table, else a plain word that
 * there is none (WCB's own codes are not in the table).
 */
export function codeMeaning(code: string, given: string | null = null): string {
  if (code === NO_EXPLANATORY_CODE) return 'Refused without an explanatory code';
  return given ?? explanatoryCodeDescription(code) ?? 'No description on file';
}

const sameStates = (a: readonly ClaimState[] | undefined, b: readonly ClaimState[]) =>
  a !== undefined && a.length === b.length && b.every((state) => a.includes(state));

/** The words for a set of states, as the dashboard's figures name them. */
function statesHeadline(states: readonly ClaimState[] | undefined): string {
  if (states === undefined) return 'All claims';
  if (sameStates(states, ['submitted', 'paid', 'adjusted', 'rejected', 'written_off'])) {
    return 'Claims billed';
  }
  if (sameStates(states, ['paid', 'adjusted'])) return 'Claims paid';
  if (sameStates(states, ['rejected', 'written_off'])) return 'Claims refused';
  if (sameStates(states, ['paid', 'adjusted', 'rejected', 'written_off'])) return 'Claims assessed';
  if (sameStates(states, ['submitted'])) return 'Claims pending';
  return `Claims ${list.format(states.map((s) => CLAIM_STATE_LABELS[s].toLowerCase()))}`;
}

const list = new Intl.ListFormat('en-CA', { style: 'long', type: 'disjunction' });

function headline(filter: ClaimsFilter): string {
  if (filter.outstanding) return `Outstanding ${BUCKET_LABELS[filter.outstanding].toLowerCase()}`;
  const code = filter.explanatoryCode;
  if (code !== undefined) {
    const because = code === NO_EXPLANATORY_CODE ? 'without a code' : `for code ${code}`;
    if (sameStates(filter.state, ['rejected', 'written_off'])) return `Refused ${because}`;
    if (sameStates(filter.state, ['adjusted'])) return `Adjusted ${because}`;
    return `${statesHeadline(filter.state)}, ${because}`;
  }
  const states = statesHeadline(filter.state);
  return filter.healthServiceCode ? `${states} under ${filter.healthServiceCode}` : states;
}

/** A range of dates, either end of which may be open; `whole` writes one with both. */
function rangeText(
  from: string | undefined,
  to: string | undefined,
  whole: (range: { start: string; end: string }) => string,
): string | null {
  if (from && to) return whole({ start: from, end: to });
  if (from) return `from ${formatDay(from)}`;
  if (to) return `up to ${formatDay(to)}`;
  return null;
}

/** A list's title: 'Refused for code 05 · AHCIP · Jul–Sep 2026'. */
export function filterTitle(filter: ClaimsFilter): string {
  const served = rangeText(filter.serviceFrom, filter.serviceTo, formatMonths);
  const paid = rangeText(filter.paidFrom, filter.paidTo, formatMonths);
  return [headline(filter), filter.claimType, served, paid === null ? null : `paid ${paid}`]
    .filter((part) => part)
    .join(' · ');
}

/** The filter's every condition, exactly: the line under the title. */
export function filterConditions(filter: ClaimsFilter): string[] {
  const served = rangeText(filter.serviceFrom, filter.serviceTo, formatPeriod);
  const paid = rangeText(filter.paidFrom, filter.paidTo, formatPeriod);
  const code = filter.explanatoryCode;
  return [
    served && `Date of service ${served}`,
    paid && `Paid ${paid} (Edmonton)`,
    filter.state && `State ${list.format(filter.state.map((s) => CLAIM_STATE_LABELS[s]))}`,
    filter.healthServiceCode && `Health service code ${filter.healthServiceCode}`,
    code !== undefined &&
      (code === NO_EXPLANATORY_CODE ? 'No explanatory code' : `Code ${code}: ${codeMeaning(code)}`),
    filter.outstanding &&
      `Submitted or rejected, ${BUCKET_LABELS[filter.outstanding].toLowerCase()} since submission, as of today`,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
}
