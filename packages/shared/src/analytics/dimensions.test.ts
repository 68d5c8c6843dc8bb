import { describe, expect, it } from 'vitest';
import { canonicalDimensions, Dimensions, MAX_DIMENSION_KEYS } from './dimensions';

describe('Dimensions', () => {
  it('accepts a flat object of scalars', () => {
    expect(Dimensions.parse({ claim_type: 'AHCIP', rank: 2, active: true })).toEqual({
      claim_type: 'AHCIP',
      rank: 2,
      active: true,
    });
    expect(Dimensions.parse({})).toEqual({});
  });

  it('refuses nesting, arrays, nulls, odd names, long values and too many keys', () => {
    const tooMany = Object.fromEntries(
      Array.from({ length: MAX_DIMENSION_KEYS + 1 }, (_, i) => [`k${i}`, i]),
    );
    for (const value of [
      { a: { b: 1 } },
      { a: [1] },
      { a: null },
      ['a'],
      'a',
      { 'Claim Type': 'AHCIP' },
      { a: 'x'.repeat(129) },
      { a: Number.NaN },
      { a: 'é'.repeat(128), b: 'é'.repeat(128) }, // 128 characters each, but 512+ bytes
      tooMany,
    ]) {
      expect(Dimensions.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });
});

describe('canonicalDimensions', () => {
  it('gives the same JSON whatever the key order', () => {
    expect(JSON.stringify(canonicalDimensions({ b: 2, a: 1 }))).toBe(
      JSON.stringify(canonicalDimensions({ a: 1, b: 2 })),
    );
    expect(Object.keys(canonicalDimensions({ z: 1, m: 2, a: 3 }))).toEqual(['a', 'm', 'z']);
  });
});
