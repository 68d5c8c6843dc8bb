import { describe, expect, it } from 'vitest';
import { directionOf, formatChange, formatPoints } from './comparison';

describe('a KPI’s change since the period before', () => {
  it('reads its direction from the sign, zero of any scale the same', () => {
    expect(directionOf('1234.00')).toBe('up');
    expect(directionOf('-0.01')).toBe('down');
    expect(directionOf('0.00')).toBe('same');
    expect(directionOf('-0.0000')).toBe('same');
    expect(directionOf(-3)).toBe('down');
    expect(directionOf(0)).toBe('same');
  });

  it('says how much without the sign, money to the cent', () => {
    expect(formatChange('money', '-98765432.10')).toBe('$98,765,432.10');
    expect(formatChange('money', '1234.00')).toBe('$1,234.00');
    expect(formatChange('count', -1200)).toBe('1,200');
    expect(formatChange('days', '-2.4500')).toBe('2.5 days');
  });

  it('gives a change of rate in percentage points, rounded half up from the exact decimal', () => {
    expect(formatPoints('0.0123')).toBe('1.2');
    expect(formatPoints('-0.0125')).toBe('1.3');
    expect(formatPoints('1.0000')).toBe('100.0');
    expect(formatChange('rate', '-0.0100')).toBe('1.0 point');
    expect(formatChange('rate', '0.0350')).toBe('3.5 points');
  });
});
