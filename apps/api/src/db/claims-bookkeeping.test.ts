import { describe, expect, it } from 'vitest';
import { signUpWithClaims, useApp } from '../../test/app-harness';
import { useTestDatabase } from '../../test/db';

const ctx = useTestDatabase();
const app = useApp(ctx);

const versionOf = async (providerId: string) => {
  const { rows } = await ctx.admin.query<{ version: string }>(
    'select version::text from provider_data_versions where provider_id = $1',
    [providerId],
  );
  return rows[0]?.version;
};

describe('the claims trigger', () => {
  it('refuses a statement that changes two providers’ claims, and records nothing of it', async () => {
    const a = await signUpWithClaims(app, ctx, { count: 20, seed: 11 });
    const b = await signUpWithClaims(app, ctx, { count: 20, seed: 12 });
    const before = [await versionOf(a.providerId), await versionOf(b.providerId)];

    await expect(
      ctx.admin.query(
        'update claims set fee_submitted = fee_submitted where provider_id = any($1)',
        [[a.providerId, b.providerId]],
      ),
    ).rejects.toThrow(/may change one provider's claims only/);
    expect([await versionOf(a.providerId), await versionOf(b.providerId)]).toEqual(before);

    // One provider's statement is recorded: a new data version.
    await ctx.admin.query(
      'update claims set fee_submitted = fee_submitted where provider_id = $1',
      [a.providerId],
    );
    expect(BigInt((await versionOf(a.providerId)) ?? 0)).toBe(BigInt(before[0] ?? 0) + 1n);
  });
});
