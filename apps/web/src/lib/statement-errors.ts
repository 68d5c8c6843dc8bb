import { FigureDifference, StatementCheck } from '@meritum/shared/client';
import { z } from 'zod';
import { ApiError } from './api';
import { exportBlockedReason } from './statements';

const Mismatch = z.object({ differences: z.array(FigureDifference) });

/**
 * What to tell the physician when creating, re-running, exporting or deleting a statement
 * failed: the API's refusals in the page's words, anything else as the API put it.
 */
export function statementFailureMessage(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? error.message : 'Something went wrong. Try again.';
  }
  switch (error.code) {
    case 'STATEMENT_STALE': {
      const check = StatementCheck.safeParse(error.details);
      const reason = check.success ? exportBlockedReason(check.data.state, check.data) : null;
      return `Nothing was exported. ${reason ?? 'The statement no longer matches the claims: re-run it to export.'}`;
    }
    case 'STATEMENT_MISMATCH': {
      const mismatch = Mismatch.safeParse(error.details);
      const count = mismatch.success ? mismatch.data.differences.length : 0;
      const which =
        count === 1 ? ' (1 figure differs)' : count > 1 ? ` (${count} figures differ)` : '';
      return `Nothing was exported. The statement’s figures no longer match the claims${which}: re-run it to export.`;
    }
    case 'STATEMENT_NOT_FOUND':
      return 'This statement no longer exists.';
    case 'RATE_LIMITED':
      return `Too many statements created or exported in a minute: try again in ${error.retryAfterSeconds ?? 60} seconds.`;
    default:
      return sentence(error.message);
  }
}

/** The API writes clauses ('the database is unavailable; try again shortly'); pages, sentences. */
function sentence(text: string): string {
  const capitalised = `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
