import { describe, expect, it } from 'vitest';
import { DecimalString, IsoDate, ProviderId, SourceVersion } from './primitives';

describe('IsoDate', () => {
  it('accepts real calendar dates, leap days included', () => {
    for (const date of ['2026-11-30', '2024-02-29', '2000-02-29', '2026-12-31']) {
      expect(IsoDate.safeParse(date).success, date).toBe(true);
    }
  });

  it('refuses impossible dates and other shapes', () => {
    for (const date of [
      '2026-02-30',
      '2025-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-11-31',
      '2026-1-05',
      '20261105',
      '2026-11-05T00:00:00Z',
      '',
      '0000-01-01',
      '1899-12-31',
      '3000-01-01',
    ]) {
      expect(IsoDate.safeParse(date).success, date).toBe(false);
    }
  });
});

describe('DecimalString', () => {
  it('keeps decimal strings exactly as written and writes numbers out', () => {
    expect(DecimalString.parse('0.10')).toBe('0.10');
    expect(DecimalString.parse('-12.50')).toBe('-12.50');
    expect(DecimalString.parse('123456789012345678901234567890.12')).toBe(
      '123456789012345678901234567890.12',
    );
    expect(DecimalString.parse(42)).toBe('42');
    expect(DecimalString.parse(0.25)).toBe('0.25');
  });

  it('refuses what is not a finite plain decimal', () => {
    for (const value of [
      'NaN',
      'Infinity',
      '1e5',
      '1,000.00',
      '.5',
      '5.',
      '007',
      '',
      ' 1',
      '0x10',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e21,
    ]) {
      expect(DecimalString.safeParse(value).success, String(value)).toBe(false);
    }
  });
});

describe('SourceVersion', () => {
  it('normalises bigint, number and string to a decimal string', () => {
    expect(SourceVersion.parse(7n)).toBe('7');
    expect(SourceVersion.parse(7)).toBe('7');
    expect(SourceVersion.parse('9223372036854775807')).toBe('9223372036854775807');
  });

  it('refuses negatives, fractions and values past a PostgreSQL bigint', () => {
    for (const value of [-1, -1n, 1.5, '9223372036854775808', '-3', 'abc']) {
      expect(SourceVersion.safeParse(value).success, String(value)).toBe(false);
    }
  });
});

describe('ProviderId', () => {
  it('accepts a UUID, lower-cased, and refuses anything else', () => {
    expect(ProviderId.parse('3F0E4B3C-8D9A-4B6E-9F1A-2C3D4E5F6A7B')).toBe(
      '3f0e4b3c-8d9a-4b6e-9f1a-2c3d4e5f6a7b',
    );
    for (const value of ['', 'abc', "' or 1=1 --", null, undefined, 42]) {
      expect(ProviderId.safeParse(value).success, String(value)).toBe(false);
    }
  });
});
