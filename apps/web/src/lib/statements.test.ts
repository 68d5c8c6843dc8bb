import { describe, expect, it } from 'vitest';
import {
  changedMonthsText,
  claimsCountChange,
  exportBlockedReason,
  rerunRequest,
  STATE_LABELS,
  shortSha,
  stateAt,
} from './statements';

const DAY = { generatedAt: '2026-11-21T18:00:00.000Z', expiresAt: '2026-11-22T18:00:00.000Z' };

describe('exportBlockedReason', () => {
  it('has no reason for a current statement', () => {
    expect(exportBlockedReason('current', DAY)).toBeNull();
  });

  it('says claims changed, and that a re-run makes it exportable', () => {
    expect(exportBlockedReason('changed', DAY)).toBe(
      'Claims changed since this statement was generated: re-run it to export.',
    );
  });

  it('says an expired statement is over 24 hours old, and that a re-run makes it exportable', () => {
    expect(exportBlockedReason('expired', DAY)).toBe(
      'Generated more than 24 hours ago: re-run it to export.',
    );
  });

  it('names the age the API allows, as the statement carries it', () => {
    const hour = { generatedAt: '2026-11-21T18:00:00.000Z', expiresAt: '2026-11-21T19:00:00.000Z' };
    expect(exportBlockedReason('expired', hour)).toBe(
      'Generated more than 1 hour ago: re-run it to export.',
    );
  });

  it('goes with a badge for every state', () => {
    expect(STATE_LABELS).toEqual({
      current: 'Current',
      changed: 'Claims changed',
      expired: 'Expired',
    });
  });
});

describe('stateAt', () => {
  const expiresAt = '2026-12-02T13:40:00.000Z';
  const before = Date.parse(expiresAt) - 1;

  it('keeps the API’s state until the export window closes', () => {
    expect(stateAt({ state: 'current', expiresAt }, before)).toBe('current');
    expect(stateAt({ state: 'changed', expiresAt }, before)).toBe('changed');
  });

  it('reads a current statement as expired once its window has closed', () => {
    expect(stateAt({ state: 'current', expiresAt }, Date.parse(expiresAt))).toBe('expired');
  });

  it('keeps a changed statement changed after its window closes: the claims matter more', () => {
    expect(stateAt({ state: 'changed', expiresAt }, Date.parse(expiresAt) + 60_000)).toBe(
      'changed',
    );
  });
});

describe('claimsCountChange', () => {
  it('gives both counts', () => {
    expect(claimsCountChange({ claimsCountAtGeneration: 343, claimsCountNow: 344 })).toBe(
      '343 claims when generated, 344 now',
    );
  });

  it('writes thousands with separators, and one claim in the singular', () => {
    expect(claimsCountChange({ claimsCountAtGeneration: 4200, claimsCountNow: 4199 })).toBe(
      '4,200 claims when generated, 4,199 now',
    );
    expect(claimsCountChange({ claimsCountAtGeneration: 1, claimsCountNow: 0 })).toBe(
      '1 claim when generated, 0 now',
    );
  });
});

describe('changedMonthsText', () => {
  it('names the months in which counted claims changed', () => {
    expect(changedMonthsText(['2026-11-01'])).toBe('Changes in Nov 2026');
    expect(changedMonthsText(['2026-10-01', '2026-11-01'])).toBe(
      'Changes in Oct 2026 and Nov 2026',
    );
    expect(changedMonthsText(['2026-01-01', '2026-02-01', '2026-03-01'])).toBe(
      'Changes in Jan 2026, Feb 2026 and Mar 2026',
    );
  });

  it('says nothing when no month changed', () => {
    expect(changedMonthsText([])).toBeNull();
  });
});

describe('rerunRequest', () => {
  const period = { start: '2025-12-01', end: '2026-11-30' };

  it('asks for the statement’s own months as a custom range, for all claims without a claim type', () => {
    expect(rerunRequest({ period, claimType: 'all' })).toEqual({
      period: 'custom',
      start: '2025-12-01',
      end: '2026-11-30',
    });
  });

  it('keeps a statement’s claim type', () => {
    expect(rerunRequest({ period, claimType: 'WCB' })).toEqual({
      period: 'custom',
      start: '2025-12-01',
      end: '2026-11-30',
      claimType: 'WCB',
    });
  });
});

describe('shortSha', () => {
  it('keeps the first 12 hex digits', () => {
    expect(shortSha('0123456789abcdef'.repeat(4))).toBe('0123456789ab');
  });
});
