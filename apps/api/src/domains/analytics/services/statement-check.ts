import type { StatementCheck } from '@meritum/shared';
import type { StatementDrift, StatementRow } from '../repos/statement.repo';

/** How long a statement may be exported without a re-run, unless configured otherwise. */
export const DEFAULT_STATEMENT_MAX_AGE_HOURS = 24;

/** The configured age in milliseconds. */
export const statementMaxAgeMs = (hours = DEFAULT_STATEMENT_MAX_AGE_HOURS) => hours * 3_600_000;

/**
 * Where a statement stands: `changed` when a claim counted in one of its months changed after it
 * was generated or its period's claim count differs; else `expired` once older than `maxAgeMs`;
 * else `current`. A change elsewhere in the physician's claims (another year) changes nothing.
 * No drift (the statement was deleted in between) reads as nothing changed under it.
 */
export function checkStatement(
  statement: Pick<StatementRow, 'claimsCount' | 'generatedAt'>,
  found: StatementDrift | undefined,
  now: Date,
  maxAgeMs: number,
): StatementCheck {
  const drift = found ?? { claimsCountNow: statement.claimsCount, changedMonths: [] };
  const expiresAt = new Date(statement.generatedAt.getTime() + maxAgeMs);
  const changed = drift.changedMonths.length > 0 || drift.claimsCountNow !== statement.claimsCount;
  return {
    state: changed ? 'changed' : now.getTime() > expiresAt.getTime() ? 'expired' : 'current',
    claimsCountAtGeneration: statement.claimsCount,
    claimsCountNow: drift.claimsCountNow,
    changedMonths: drift.changedMonths,
    generatedAt: statement.generatedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
}
