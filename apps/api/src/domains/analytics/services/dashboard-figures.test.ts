import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { ratio } from './dashboard-figures';

const ctx = useTestDatabase();

describe('ratio', () => {
  // The dividend carries 20 decimals: with its default scale PostgreSQL may first round the
  // quotient to 8 places (…8802499971 becomes …88025000), then round that half up to …8803.
  it('rounds as PostgreSQL’s round(n / d, 4) does, negative values included', async () => {
    const pair = fc.tuple(
      fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
      fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }).filter((d) => d !== 0n),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: 50 }), async (pairs) => {
        const { rows } = await ctx.admin.query<{ r: string }>(
          `select round(n::numeric(40, 20) / d, 4)::text as r
           from unnest($1::numeric[], $2::numeric[]) with ordinality as t(n, d, i) order by i`,
          [pairs.map(([n]) => n.toString()), pairs.map(([, d]) => d.toString())],
        );
        expect(pairs.map(([n, d]) => ratio(n, d))).toEqual(rows.map((r) => r.r));
      }),
      { numRuns: 200 },
    );
  });

  it('rounds the exact quotient, not one already rounded to fewer places', () => {
    // 181804706549081 / 955691 = 190233774.880249997…
    expect(ratio(181804706549081n, 955691n)).toBe('190233774.8802');
    expect(ratio(-181804706549081n, -955691n)).toBe('190233774.8802');
  });

  it('is null when the denominator is zero, and never a negative zero', () => {
    expect(ratio(5n, 0n)).toBeNull();
    expect(ratio(-9n, 1n)).toBe('-9.0000');
    expect(ratio(-1n, 3n)).toBe('-0.3333');
    expect(ratio(-1n, 30_000n)).toBe('0.0000');
  });
});
