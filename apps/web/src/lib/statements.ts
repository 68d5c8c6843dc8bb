import {
  type CreateStatementRequest,
  formatCount,
  formatMonth,
  type Statement,
  type StatementCheck,
  type StatementClaimType,
  type StatementState,
} from '@meritum/shared/client';

// What the Statements page says about a statement, and what it asks of the API for one.

export const STATE_LABELS: Record<StatementState, string> = {
  current: 'Current',
  changed: 'Claims changed',
  expired: 'Expired',
};

export const STATEMENT_CLAIM_TYPE_LABELS: Record<StatementClaimType, string> = {
  all: 'All claims',
  AHCIP: 'AHCIP claims',
  WCB: 'WCB claims',
};

/**
 * The state as of `now`: the API's word, except that a current statement whose export window
 * has closed since it was read is expired (the API will say so on the next read anyway).
 */
export function stateAt(check: Pick<StatementCheck, 'state' | 'expiresAt'>, now: number) {
  return check.state === 'current' && now >= Date.parse(check.expiresAt) ? 'expired' : check.state;
}

/**
 * Why a statement cannot be exported as it stands; null when it can. How long a statement may
 * be exported is the API's setting: it is read off the statement (expiresAt - generatedAt).
 */
export function exportBlockedReason(
  state: StatementState,
  check: Pick<StatementCheck, 'generatedAt' | 'expiresAt'>,
): string | null {
  switch (state) {
    case 'current':
      return null;
    case 'changed':
      return 'Claims changed since this statement was generated: re-run it to export.';
    case 'expired': {
      const hours = (Date.parse(check.expiresAt) - Date.parse(check.generatedAt)) / 3_600_000;
      const age =
        Number.isInteger(hours) && hours > 0
          ? `${formatCount(hours)} ${hours === 1 ? 'hour' : 'hours'}`
          : 'the allowed time';
      return `Generated more than ${age} ago: re-run it to export.`;
    }
  }
}

/** '343 claims when generated, 344 now' */
export function claimsCountChange(
  check: Pick<StatementCheck, 'claimsCountAtGeneration' | 'claimsCountNow'>,
): string {
  const then = check.claimsCountAtGeneration;
  return `${formatCount(then)} ${then === 1 ? 'claim' : 'claims'} when generated, ${formatCount(check.claimsCountNow)} now`;
}

const months = new Intl.ListFormat('en-CA', { style: 'long', type: 'conjunction' });

/** 'Changes in Oct 2026 and Nov 2026'; null when no month changed (only the count differs). */
export function changedMonthsText(changedMonths: readonly string[]): string | null {
  if (changedMonths.length === 0) return null;
  return `Changes in ${months.format(changedMonths.map(formatMonth))}`;
}

/** Re-running asks for the statement's own months and claim type, whatever preset made it. */
export function rerunRequest(
  statement: Pick<Statement, 'period' | 'claimType'>,
): CreateStatementRequest {
  const { start, end } = statement.period;
  return statement.claimType === 'all'
    ? { period: 'custom', start, end }
    : { period: 'custom', start, end, claimType: statement.claimType };
}

/** The first 12 hex digits of a SHA-256: enough to tell files apart by eye. */
export const shortSha = (sha256: string) => sha256.slice(0, 12);
