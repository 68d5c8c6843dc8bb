import { describe, expect, it } from 'vitest';
import { DashboardQuery, spanIssue } from './dashboard';
import { StatementsQuery } from './statements';

describe('the period rules of a query', () => {
  const bad = [
    { period: 'custom' },
    { period: 'custom', start: '2026-01-01' },
    { period: 'custom', end: '2026-01-31' },
    { period: 'custom', start: '2026-02-30', end: '2026-03-31' },
    { period: 'custom', start: '2026-05-01', end: '2026-04-30' },
    { period: 'custom', start: '2024-11-01', end: '2026-11-30' },
    { period: 'this_month', start: '2026-11-01', end: '2026-11-30' },
  ];

  it('refuse custom ranges that are missing, impossible, reversed or longer than 24 months', () => {
    for (const query of bad) {
      expect(DashboardQuery.safeParse(query).success, JSON.stringify(query)).toBe(false);
      expect(StatementsQuery.safeParse(query).success, JSON.stringify(query)).toBe(false);
    }
  });

  it('take a custom range of exactly 24 months, and the named periods without dates', () => {
    const good = [
      { period: 'custom', start: '2024-12-01', end: '2026-11-30' },
      { period: 'custom', start: '2026-02-10', end: '2026-02-10' },
      { period: 'last_12_months', claimType: 'WCB' },
    ];
    for (const query of good) {
      expect(DashboardQuery.safeParse(query).success, JSON.stringify(query)).toBe(true);
    }
  });

  it('leave the shared span message whole for the forms that show it', () => {
    expect(
      DashboardQuery.safeParse({ period: 'custom', start: '2026-05-01', end: '2026-04-30' })
        .success,
    ).toBe(false);
    expect(spanIssue.message).toMatch(/^start must not be after end/);
  });
});
