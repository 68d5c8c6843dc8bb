import { ClaimResponse, DashboardMetrics } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializerCompiler } from './response-serializer';

const compile = (schema: z.ZodType) =>
  responseSerializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' }) as (
    data: unknown,
  ) => string;

describe('the response serializer', () => {
  it('writes only the declared fields: a row’s other columns never leave', () => {
    const write = compile(z.object({ id: z.string(), amount: z.string() }));

    expect(
      JSON.parse(write({ id: 'a', amount: '1.00', secretHash: 'x', providerId: 'p' })),
    ).toEqual({ id: 'a', amount: '1.00' });
  });

  it('writes an instant as ISO 8601 text, and a missing one as null', () => {
    const write = compile(ClaimResponse.pick({ submittedAt: true, createdAt: true }));
    const at = new Date('2026-11-21T18:00:00.000Z');

    expect(JSON.parse(write({ submittedAt: null, createdAt: at }))).toEqual({
      submittedAt: null,
      createdAt: '2026-11-21T18:00:00.000Z',
    });
  });

  it('keeps money as the exact decimal string it was given', () => {
    const write = compile(DashboardMetrics.pick({ billedAmount: true, claimsCount: true }));

    expect(write({ billedAmount: '92469135780160.00', claimsCount: 12000 })).toBe(
      '{"billedAmount":"92469135780160.00","claimsCount":12000}',
    );
  });
});
