import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyticsHarness } from '../../../../test/analytics-harness';
import { claimHistory, playHistories } from '../../../../test/claim-histories';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { countRows } from '../../../../test/row-counts';
import { freshnessOf, scopedRepo } from '../../../../test/scoped';
import { figures, newStatement } from '../../../../test/statement-factories';
import { ClaimsRepo } from '../../claims/repos/claims.repo';
import { StatementRepo } from './statement.repo';

const ctx = useTestDatabase();
const repo = (providerId: string) => scopedRepo(ctx.db, providerId, (tx) => new StatementRepo(tx));
const provider = () => createProvider(ctx.admin);
const MARCH = { start: '2026-03-01', end: '2026-03-31', claimType: 'all' as const };

/** Claims as the application writes them, so the claims triggers record each change. */
async function bill(
  providerId: string,
  claims: Array<{ dateOfService: string; claimType?: 'AHCIP' | 'WCB'; state?: 'draft' }>,
) {
  return scopedRepo(ctx.db, providerId, (tx) => new ClaimsRepo(tx)).insertMany(
    claims.map((c) => ({
      claimType: c.claimType ?? 'AHCIP',
      healthServiceCode: '03.03A',
      dateOfService: c.dateOfService,
      feeSubmitted: '85.00',
      state: c.state ?? 'submitted',
      submittedAt: c.state === 'draft' ? null : new Date('2026-03-20T16:00:00Z'),
    })),
  );
}

const versionOf = async (providerId: string) => (await freshnessOf(ctx.db, providerId)).dataVersion;

describe('StatementRepo.save', () => {
  it('stores a statement and returns it as stored, money as decimal strings', async () => {
    const p = await provider();
    const statement = newStatement(p);

    const saved = await repo(p).save(statement);

    expect(saved).toMatchObject({ ...statement, id: expect.any(String) });
    const { rows } = await ownerQuery(
      ctx.admin,
      p,
      `select jsonb_typeof(figures->'metrics'->'billedAmount') as money,
              jsonb_typeof(figures->'metrics'->'claimsCount') as count
         from analytics_statements where provider_id = $1`,
      [p],
    );
    expect(rows).toEqual([{ money: 'string', count: 'number' }]);
  });

  it('replaces the statement of the same period and claim type, keeping its id', async () => {
    const p = await provider();
    const first = await repo(p).save(newStatement(p));
    const again = newStatement(p, {
      dataVersion: '5',
      claimsCount: 3,
      generatedAt: new Date('2026-04-03T15:00:00Z'),
    });

    const second = await repo(p).save(again);

    expect(second).toEqual({ ...again, id: first.id });
    expect(await countRows(ctx.admin, p, 'analytics_statements')).toBe(1);
    expect(await repo(p).save(again)).toEqual(second); // idempotent
  });

  it('keeps a statement of another period or claim type apart', async () => {
    const p = await provider();
    await repo(p).save(newStatement(p));
    await repo(p).save(newStatement(p, { claimType: 'WCB' }));
    await repo(p).save(newStatement(p, { periodStart: '2026-02-01' }));

    expect(await countRows(ctx.admin, p, 'analytics_statements')).toBe(3);
  });

  it('never replaces a statement with one read at an older data version', async () => {
    const p = await provider();
    const newer = await repo(p).save(newStatement(p, { dataVersion: '9' }));

    const kept = await repo(p).save(newStatement(p, { dataVersion: '8', claimsCount: 1 }));

    expect(kept).toEqual(newer);
  });

  it('is refused by the database when money is a JSON number', async () => {
    const p = await provider();
    const broken = figures();
    (broken.monthly[0] as unknown as Record<string, unknown>).paidAmount = 85;

    await expect(repo(p).save(newStatement(p, { figures: broken }))).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '23514' }), // check_violation
    });
    expect(await countRows(ctx.admin, p, 'analytics_statements')).toBe(0);
  });
});

describe('StatementRepo reads', () => {
  it('answers a period without a statement, or with another claim type, with null', async () => {
    const p = await provider();
    await repo(p).save(newStatement(p, { claimType: 'AHCIP' }));

    expect(await repo(p).getByPeriod(MARCH)).toBeNull();
    expect(await repo(p).getByPeriod({ ...MARCH, claimType: 'AHCIP' })).not.toBeNull();
  });

  it('finds a statement by id for its provider only; a missing id is null', async () => {
    const p = await provider();
    const q = await provider();
    const saved = await repo(p).save(newStatement(p));

    expect(await repo(p).getById(saved.id)).toEqual(saved);
    expect(await repo(q).getById(saved.id)).toBeNull();
    expect(await repo(p).getById('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('lists a provider’s statements newest first, up to the limit, never another’s', async () => {
    const p = await provider();
    const q = await provider();
    const at = (day: number) => new Date(Date.UTC(2026, 3, day, 15));
    const older = await repo(p).save(newStatement(p, { generatedAt: at(1) }));
    const newest = await repo(p).save(
      newStatement(p, { periodStart: '2026-02-01', generatedAt: at(3) }),
    );
    const middle = await repo(p).save(newStatement(p, { claimType: 'WCB', generatedAt: at(2) }));
    await repo(q).save(newStatement(q, { generatedAt: at(4) }));

    expect((await repo(p).list(10)).map((s) => s.id)).toEqual([newest.id, middle.id, older.id]);
    expect((await repo(p).list(2)).map((s) => s.id)).toEqual([newest.id, middle.id]);
  });

  it('names the physician of a provider', async () => {
    const p = await createProvider(ctx.admin, { name: 'Dr. Élise Côté', billingNumber: 'EC-1' });

    expect(await repo(p).physician()).toEqual({ name: 'Dr. Élise Côté', billingNumber: 'EC-1' });
  });
});

describe('StatementRepo.delete', () => {
  it('deletes a statement of its provider, and says so', async () => {
    const p = await provider();
    const saved = await repo(p).save(newStatement(p));

    expect(await repo(p).delete(saved.id)).toBe(true);

    expect(await repo(p).getById(saved.id)).toBeNull();
  });

  it('answers false for a missing or foreign statement, touching nothing', async () => {
    const p = await provider();
    const q = await provider();
    const theirs = await repo(q).save(newStatement(q));

    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000']) {
      expect(await repo(p).delete(id)).toBe(false);
    }
    expect(await repo(q).getById(theirs.id)).toEqual(theirs);
  });
});

describe('StatementRepo.drift and claimsCount', () => {
  it('counts the period’s claims of the claim type, drafts and other months aside', async () => {
    const p = await provider();
    await bill(p, [
      { dateOfService: '2026-03-01' },
      { dateOfService: '2026-03-31', claimType: 'WCB' },
      { dateOfService: '2026-03-15', state: 'draft' },
      { dateOfService: '2026-04-01' },
      { dateOfService: '2026-02-28' },
    ]);

    expect(await repo(p).claimsCount(MARCH)).toBe(2);
    expect(await repo(p).claimsCount({ ...MARCH, claimType: 'WCB' })).toBe(1);
    expect(await repo(p).claimsCount({ ...MARCH, end: '2026-04-30' })).toBe(3);
  });

  it('reports the months whose counted claims changed after the statement, and the count now', async () => {
    const p = await provider();
    await bill(p, [{ dateOfService: '2026-03-10' }, { dateOfService: '2026-04-10' }]);
    const saved = await repo(p).save(
      newStatement(p, {
        periodEnd: '2026-04-30',
        dataVersion: await versionOf(p),
        claimsCount: 2,
      }),
    );
    expect((await repo(p).drift([saved.id])).get(saved.id)).toEqual({
      claimsCountNow: 2,
      changedMonths: [],
    });

    await bill(p, [{ dateOfService: '2026-04-20' }]);

    expect((await repo(p).drift([saved.id])).get(saved.id)).toEqual({
      claimsCountNow: 3,
      changedMonths: ['2026-04-01'],
    });
  });

  it('sees no change from drafts, another year, or the other claim type', async () => {
    const p = await provider();
    await bill(p, [{ dateOfService: '2026-03-10' }]);
    const saved = await repo(p).save(
      newStatement(p, { claimType: 'AHCIP', dataVersion: await versionOf(p), claimsCount: 1 }),
    );

    await bill(p, [
      { dateOfService: '2026-03-11', state: 'draft' },
      { dateOfService: '2025-03-11' },
      { dateOfService: '2026-03-12', claimType: 'WCB' },
    ]);

    expect((await repo(p).drift([saved.id])).get(saved.id)).toEqual({
      claimsCountNow: 1,
      changedMonths: [],
    });
  });

  it('sees a change in the month a claim is paid in, outside its month of service', async () => {
    const p = await provider();
    const [claim] = await bill(p, [{ dateOfService: '2026-02-25' }]);
    const saved = await repo(p).save(
      newStatement(p, { dataVersion: await versionOf(p), claimsCount: 0 }),
    );

    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.provider_id', ${p}, true)`);
      await tx.execute(sql`
        update claims set state = 'paid', fee_assessed = fee_submitted,
               assessed_at = '2026-03-05T18:00:00Z', paid_at = '2026-03-05T18:00:00Z'
         where provider_id = ${p} and id = ${claim?.id}`);
    });

    expect((await repo(p).drift([saved.id])).get(saved.id)).toEqual({
      claimsCountNow: 0,
      changedMonths: ['2026-03-01'],
    });
  });

  it('keeps each month’s claim count equal to a count of the claims, whatever their histories', async () => {
    const { unhooked, clock, analytics } = analyticsHarness(ctx.db);
    const counted = (p: string, from: string) =>
      ownerQuery(
        ctx.admin,
        p,
        `select month::text, claim_type::text, claims_count::int as n from ${from}
          where provider_id = $1 and claims_count <> 0 order by 1, 2`,
        [p],
      ).then((r) => r.rows);
    const direct = `(select provider_id, date_trunc('month', date_of_service)::date as month,
                            claim_type, count(*) as claims_count
                       from claims where state <> 'draft' group by 1, 2, 3) c`;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(claimHistory, { minLength: 1, maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 4 }),
          async (histories, removals) => {
            const p = await provider();
            await playHistories(unhooked, clock, p, histories);
            const ids = (
              await ownerQuery(
                ctx.admin,
                p,
                'select id from claims where provider_id = $1 order by id',
                [p],
              )
            ).rows.map((r) => r.id as string);
            for (const pick of new Set(removals.map((n) => ids[n % ids.length]))) {
              if (pick) await unhooked.remove(p, pick);
            }
            expect(await counted(p, 'claim_month_versions')).toEqual(await counted(p, direct));
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await analytics.close();
    }
  }, 120_000);

  it('answers for the provider’s own statements only', async () => {
    const p = await provider();
    const q = await provider();
    const theirs = await repo(q).save(newStatement(q));

    expect((await repo(p).drift([theirs.id, '00000000-0000-4000-8000-000000000000'])).size).toBe(0);
    expect((await repo(q).drift([theirs.id])).size).toBe(1);
  });
});

describe('row-level security on analytics_statements', () => {
  it('shows the application role nothing outside a provider’s scope, and refuses a foreign write', async () => {
    const p = await provider();
    const q = await provider();
    await repo(p).save(newStatement(p));

    const unscoped = await ctx.db.execute(sql`select count(*)::int as n from analytics_statements`);
    expect(unscoped.rows).toEqual([{ n: 0 }]);
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.provider_id', ${q}, true)`);
        await tx.execute(sql`update analytics_statements set claims_count = 99
                               where provider_id = ${p}`);
        const seen = await tx.execute(sql`select count(*)::int as n from analytics_statements`);
        expect(seen.rows).toEqual([{ n: 0 }]);
        await tx.execute(sql`
          insert into analytics_statements (provider_id, period_start, period_end, claim_type,
            figures, data_version, claims_count, generated_at, content_sha256)
          values (${p}, '2026-01-01', '2026-01-31', 'all', '{}', 0, 0, now(), repeat('a', 64))`);
      }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
    expect((await repo(p).getByPeriod(MARCH))?.claimsCount).toBe(2);
  });
});
