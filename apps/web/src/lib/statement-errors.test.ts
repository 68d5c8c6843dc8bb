import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { statementFailureMessage } from './statement-errors';

const check = (state: string) => ({
  state,
  claimsCountAtGeneration: 343,
  claimsCountNow: 344,
  changedMonths: ['2026-11-01'],
  generatedAt: '2026-12-01T13:40:00.000Z',
  expiresAt: '2026-12-02T13:40:00.000Z',
});

const refusal = (code: string, details?: unknown, status = 409) =>
  new ApiError(status, code, `the API's words for ${code}`, undefined, details);

describe('statementFailureMessage', () => {
  it('says nothing was exported, and why, when the statement went stale', () => {
    expect(statementFailureMessage(refusal('STATEMENT_STALE', check('changed')))).toBe(
      'Nothing was exported. Claims changed since this statement was generated: re-run it to export.',
    );
    expect(statementFailureMessage(refusal('STATEMENT_STALE', check('expired')))).toBe(
      'Nothing was exported. Generated more than 24 hours ago: re-run it to export.',
    );
  });

  it('still says what to do when a stale refusal carries no readable details', () => {
    expect(statementFailureMessage(refusal('STATEMENT_STALE', { state: 'odd' }))).toBe(
      'Nothing was exported. The statement no longer matches the claims: re-run it to export.',
    );
  });

  it('counts the differing figures of a mismatch', () => {
    const difference = { figure: 'metrics.billedAmount', statement: '10.00', claims: '12.00' };
    expect(
      statementFailureMessage(refusal('STATEMENT_MISMATCH', { differences: [difference] })),
    ).toBe(
      'Nothing was exported. The statement’s figures no longer match the claims (1 figure differs): re-run it to export.',
    );
    expect(
      statementFailureMessage(
        refusal('STATEMENT_MISMATCH', { differences: [difference, difference] }),
      ),
    ).toContain('(2 figures differ)');
  });

  it('says when to try again after too many requests', () => {
    const limited = new ApiError(429, 'RATE_LIMITED', 'rate limit exceeded', 42);
    expect(statementFailureMessage(limited)).toBe(
      'Too many statements created or exported in a minute: try again in 42 seconds.',
    );
  });

  it('passes any other refusal on as the API put it, as a sentence', () => {
    const invalid = new ApiError(400, 'VALIDATION_FAILED', 'a period spans at most 24 months');
    expect(statementFailureMessage(invalid)).toBe('A period spans at most 24 months.');
    const unreachable = new ApiError(0, 'NETWORK', 'Meritum could not be reached. Check it.');
    expect(statementFailureMessage(unreachable)).toBe('Meritum could not be reached. Check it.');
  });
});
