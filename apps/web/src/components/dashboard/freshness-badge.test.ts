import type { DashboardResponse } from '@meritum/shared/client';
import { describe, expect, it } from 'vitest';
import { freshnessLabel } from './freshness-badge';

type Freshness = DashboardResponse['freshness'];

const freshness = (overrides: Partial<Freshness>): Freshness => ({
  state: 'fresh',
  computedAt: '2026-11-21T15:15:00Z',
  ageSeconds: 720,
  sourceVersion: '42',
  ...overrides,
});

describe('freshnessLabel', () => {
  it('says how long ago fresh figures were computed', () => {
    expect(freshnessLabel(freshness({ ageSeconds: 720 }), 0, false)).toBe('Updated 12 minutes ago');
  });

  it('advances the age by the time since the figures were read', () => {
    const fresh = freshness({ ageSeconds: 720 });
    expect(freshnessLabel(fresh, 59, false)).toBe('Updated 12 minutes ago');
    expect(freshnessLabel(fresh, 60, false)).toBe('Updated 13 minutes ago');
    expect(freshnessLabel(fresh, 3600 - 720, false)).toBe('Updated 1 hour ago');
    expect(freshnessLabel(fresh, 48 * 3600 - 720, false)).toBe('Updated 2 days ago');
  });

  it('says just now for figures computed under a minute ago', () => {
    expect(freshnessLabel(freshness({ ageSeconds: 0 }), 0, false)).toBe('Updated just now');
    expect(freshnessLabel(freshness({ ageSeconds: 30 }), 29, false)).toBe('Updated just now');
  });

  it('says the figures are refreshing while the API is recomputing them', () => {
    expect(freshnessLabel(freshness({ state: 'refreshing' }), 0, false)).toBe('Refreshing...');
  });

  it('says the figures are refreshing while this page asks for a refresh, whatever the state', () => {
    for (const state of ['fresh', 'stale', 'refreshing', 'cold'] as const) {
      expect(freshnessLabel(freshness({ state }), 0, true)).toBe('Refreshing...');
    }
    expect(freshnessLabel(freshness({ state: 'cold', ageSeconds: null }), 0, true)).toBe(
      'Refreshing...',
    );
  });

  it('says the data changed since the last refresh when the figures are stale', () => {
    expect(freshnessLabel(freshness({ state: 'stale' }), 0, false)).toBe(
      'Data changed since the last refresh',
    );
    expect(freshnessLabel(freshness({ state: 'stale', ageSeconds: null }), 600, false)).toBe(
      'Data changed since the last refresh',
    );
  });

  it('says how long ago cold figures were computed when they have an age', () => {
    expect(freshnessLabel(freshness({ state: 'cold', ageSeconds: 0 }), 0, false)).toBe(
      'Updated just now',
    );
    expect(freshnessLabel(freshness({ state: 'cold', ageSeconds: 7200 }), 0, false)).toBe(
      'Updated 2 hours ago',
    );
  });

  it('says loading, not an age, while another period’s figures stand in for these', () => {
    expect(freshnessLabel(freshness({ state: 'fresh' }), null, false)).toBe('Loading...');
    expect(freshnessLabel(freshness({ state: 'stale' }), null, false)).toBe('Loading...');
  });

  it('says the figures are not computed yet when they have no age', () => {
    const never = { computedAt: null, ageSeconds: null, sourceVersion: null };
    expect(freshnessLabel(freshness({ state: 'cold', ...never }), 0, false)).toBe(
      'Not computed yet',
    );
    expect(freshnessLabel(freshness({ state: 'fresh', ...never }), 120, false)).toBe(
      'Not computed yet',
    );
  });
});
