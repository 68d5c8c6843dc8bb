import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatMonths } from './format';

describe('formatAgo', () => {
  it('says just now for less than a minute', () => {
    expect(formatAgo(0)).toBe('just now');
    expect(formatAgo(59)).toBe('just now');
    expect(formatAgo(59.9)).toBe('just now');
  });

  it('says just now for a negative age (a clock slightly ahead of the server)', () => {
    expect(formatAgo(-5)).toBe('just now');
  });

  it('counts whole minutes from one minute up to an hour', () => {
    expect(formatAgo(60)).toBe('1 minute ago');
    expect(formatAgo(119)).toBe('1 minute ago');
    expect(formatAgo(120)).toBe('2 minutes ago');
    expect(formatAgo(720)).toBe('12 minutes ago');
    expect(formatAgo(3599)).toBe('59 minutes ago');
  });

  it('counts whole hours from one hour up to 48 hours', () => {
    expect(formatAgo(3600)).toBe('1 hour ago');
    expect(formatAgo(7199)).toBe('1 hour ago');
    expect(formatAgo(7200)).toBe('2 hours ago');
    expect(formatAgo(47 * 3600)).toBe('47 hours ago');
    expect(formatAgo(48 * 3600 - 1)).toBe('47 hours ago');
  });

  it('counts whole days from 48 hours on', () => {
    expect(formatAgo(48 * 3600)).toBe('2 days ago');
    expect(formatAgo(72 * 3600 - 1)).toBe('2 days ago');
    expect(formatAgo(72 * 3600)).toBe('3 days ago');
    expect(formatAgo(400 * 86400)).toBe('400 days ago');
  });
});

describe('formatBytes', () => {
  it('writes small files in whole bytes', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(999)).toBe('999 bytes');
  });

  it('writes kilobytes (of 1000 bytes) to one decimal', () => {
    expect(formatBytes(1000)).toBe('1 kB');
    expect(formatBytes(2140)).toBe('2.1 kB');
    expect(formatBytes(999_949)).toBe('999.9 kB');
  });

  it('moves to megabytes rather than write 1,000 kB', () => {
    expect(formatBytes(999_950)).toBe('1 MB');
    expect(formatBytes(1_250_000)).toBe('1.3 MB');
  });
});

describe('formatMonths', () => {
  it('writes whole months as months, other ranges day by day', () => {
    expect(formatMonths({ start: '2026-07-01', end: '2026-09-30' })).toBe('Jul–Sep 2026');
    expect(formatMonths({ start: '2026-02-01', end: '2026-02-28' })).toBe('Feb 2026');
    expect(formatMonths({ start: '2025-10-01', end: '2026-09-30' })).toBe('Oct 2025–Sep 2026');
    expect(formatMonths({ start: '2026-07-01', end: '2026-09-29' })).toBe('Jul 1–Sep 29, 2026');
  });
});
