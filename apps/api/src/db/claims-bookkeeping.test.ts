import { describe, expect, inject, it } from 'vitest';
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

type Physician = Awaited<ReturnType<typeof signUpWithClaims>>;

/**
 * Two physicians one statement can reach together where the trigger runs: on Citus, the shard
 * (a statement over two shards runs as one per shard, each firing the trigger with its own rows).
 */
async function twoOnOneShard(): Promise<[Physician, Physician]> {
  const first = await signUpWithClaims(app, ctx, { count: 20, seed: 11 });
  if (!inject('testDatabase').citus) {
    return [first, await signUpWithClaims(app, ctx, { count: 20, seed: 12 })];
  }
  const shardOf = async (providerId: string) => {
    const { rows } = await ctx.admin.query<{ shard: string }>(
      `select get_shard_id_for_distribution_column('claims', $1::uuid)::text as shard`,
      [providerId],
    );
    return rows[0]?.shard;
  };
  const byShard = new Map([[await shardOf(first.providerId), first]]);
  // Past as many physicians as there are shards, two must share one.
  for (let seed = 12; seed < 200; seed++) {
    const next = await signUpWithClaims(app, ctx, { count: 5, seed });
    const shard = await shardOf(next.providerId);
    const mate = byShard.get(shard);
    if (mate) return [mate, next];
    byShard.set(shard, next);
  }
  throw new Error('no two physicians on one shard');
}

describe('the claims trigger', () => {
  it('refuses a statement that changes two providers’ claims, and records nothing of it', async () => {
    const [a, b] = await twoOnOneShard();
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
