import { describe, expect, it } from 'vitest';
import { formatCents, toCents } from './cents';

describe('cents', () => {
  it('round-trips amounts exactly', () => {
    for (const [text, cents, formatted] of [
      ['0', 0n, '0.00'],
      ['0.1', 10n, '0.10'],
      ['85.5', 8550n, '85.50'],
      ['9999999999.99', 999999999999n, '9999999999.99'],
      ['-12.05', -1205n, '-12.05'],
    ] as const) {
      expect(toCents(text)).toBe(cents);
      expect(formatCents(cents)).toBe(formatted);
    }
  });

  it('adds 0.10 a thousand times to exactly 100.00', () => {
    let total = 0n;
    for (let i = 0; i < 1000; i++) total += toCents('0.10');
    expect(formatCents(total)).toBe('100.00');
  });

  it('refuses what is not an amount of cents', () => {
    for (const bad of ['1.005', '1e3', 'abc', '', '1.']) expect(() => toCents(bad)).toThrow();
  });
});
