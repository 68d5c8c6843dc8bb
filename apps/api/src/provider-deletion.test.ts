import { describe, expect, it } from 'vitest';
import { signUpWithClaims, useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { snapshotTables } from '../test/row-counts';

// Counts span every provider's rows: a database of this file's own.
const ctx = useTestDatabase({ own: 'provider_deletion' });
const app = useApp(ctx);

describe('closing an account', () => {
  it('deletes the provider with its claims, cache, bookkeeping, sessions and statements, and no other provider’s rows', async () => {
    const closing = await signUpWithClaims(app, ctx, { count: 300, seed: 1 });
    const staying = await signUpWithClaims(app, ctx, { count: 300, seed: 2 });
    for (const { agent } of [closing, staying]) {
      expect((await agent.get('/api/v1/analytics/dashboard?period=last_12_months')).status).toBe(
        200,
      );
      const statement = await agent
        .post('/api/v1/analytics/statements')
        .send({ period: 'last_month' });
      expect(statement.status, statement.text).toBe(201);
    }
    await app.services.analytics.scheduler.idle();
    const before = await snapshotTables(ctx.admin);

    await ctx.admin.query('delete from providers where id = $1', [closing.providerId]);

    const leftOf = async (providerId: string) => {
      const counts: Record<string, number> = {};
      for (const table of Object.keys(before)) {
        const { rows } = await ctx.admin.query<{ n: number }>(
          `select count(*)::int as n from ${table} where ${table === 'providers' ? 'id' : 'provider_id'} = $1`,
          [providerId],
        );
        counts[table] = rows[0]?.n ?? 0;
      }
      return counts;
    };
    const closed = await leftOf(closing.providerId);
    expect(
      Object.values(closed).every((n) => n === 0),
      JSON.stringify(closed),
    ).toBe(true);
    const stayed = await leftOf(staying.providerId);
    expect(stayed.claims).toBe(300);
    const dashboard = await staying.agent.get('/api/v1/analytics/dashboard?period=last_12_months');
    expect(dashboard.status).toBe(200);
  });
});
