import { formatCount, formatDays, formatMoney } from '@meritum/shared/client';

// A KPI against the same KPI of the period before: which way it moved, and by how much, in
// words. Changes arrive signed (decimal strings, or integers for counts) and are formatted from
// their magnitude, so no amount passes through a float.

export type Direction = 'up' | 'down' | 'same';
export type ChangeKind = 'money' | 'count' | 'rate' | 'days';

/** The sign of a change: '-12.50' down, '0.00' and 0 the same, anything else up. */
export function directionOf(change: string | number): Direction {
  if (typeof change === 'number') return change > 0 ? 'up' : change < 0 ? 'down' : 'same';
  if (/^-?[0.]*$/.test(change)) return 'same';
  return change.startsWith('-') ? 'down' : 'up';
}

const points = new Intl.NumberFormat('en-CA', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** A change of ratio in percentage points, by moving the decimal point: '0.0123' → '1.2'. */
export function formatPoints(ratio: string): string {
  const [whole = '0', fraction = ''] = ratio.replace(/^-/, '').split('.');
  const digits = fraction.padEnd(2, '0');
  return points.format(`${whole}${digits.slice(0, 2)}.${digits.slice(2) || '0'}` as `${number}`);
}

/** How much a figure moved, without its sign: '$1,234.00', '12', '1.2 points', '2.5 days'. */
export function formatChange(kind: ChangeKind, change: string | number): string {
  const size = String(change).replace(/^-/, '');
  switch (kind) {
    case 'money':
      return formatMoney(size);
    case 'count':
      return formatCount(Number(size));
    case 'rate': {
      const shown = formatPoints(size);
      return `${shown} ${shown === '1.0' ? 'point' : 'points'}`;
    }
    case 'days':
      return formatDays(size);
  }
}
