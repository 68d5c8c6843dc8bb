import { systemClock } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../test/analytics-harness';
import { useTestDatabase } from '../../test/db';
import { createProvider } from '../../test/factories';
import { freshnessOf } from '../../test/scoped';
import { createServices } from '../services';
import { DEMO_PHYSICIANS, seedDemoData } from './demo-data';
import { insertSyntheticClaims } from './synthetic-claims';

// Demo data goes only into a database without providers: this file keeps one of its own.
const ctx = useTestDatabase({ own: 'demo' });

describe('demo data', () => {
  it('seeds two physicians with two years of claims on an empty database, once', async () => {
    const services = createServices({
      db: ctx.db,
      pool: ctx.pool,
      clock: systemClock,
      logger: silentLogger,
    });
    const deps = {
      db: ctx.db,
      jobsDb: ctx.jobsDb,
      refresher: services.analytics.refresher,
      clock: systemClock,
      logger: silentLogger,
    };
    try {
      expect(await seedDemoData(deps)).toBe(true);
      expect(await seedDemoData(deps)).toBe(false);

      for (const physician of DEMO_PHYSICIANS) {
        const session = await services.auth.login({
          email: physician.email,
          password: physician.password,
        });
        const { rows } = await ctx.admin.query(
          `select count(*)::int as claims,
                  array_agg(distinct state::text order by state::text) as states,
                  array_agg(distinct claim_type::text order by claim_type::text) as types,
                  array_agg(distinct health_service_code) as codes,
                  max(date_of_service) - min(date_of_service) as days,
                  min(fee_submitted)::text as min_fee, max(fee_submitted)::text as max_fee,
                  percentile_cont(0.5) within group (
                    order by (paid_at at time zone 'America/Edmonton')::date
                             - (submitted_at at time zone 'America/Edmonton')::date
                  ) as median_days_to_payment
           from claims where provider_id = $1`,
          [session.providerId],
        );
        const seeded = rows[0];
        expect(seeded.claims).toBe(physician.claims);
        expect(seeded.states).toEqual([
          'adjusted',
          'draft',
          'paid',
          'rejected',
          'submitted',
          'written_off',
        ]);
        expect(seeded.types).toEqual(['AHCIP', 'WCB']);
        expect(seeded.codes).toEqual(expect.arrayContaining(['03.03A', '03.04A']));
        expect(seeded.days).toBeGreaterThan(700);
        expect(Number(seeded.min_fee)).toBeGreaterThan(10);
        expect(Number(seeded.max_fee)).toBeLessThan(300);
        expect(seeded.median_days_to_payment).toBeGreaterThan(14);
        expect(seeded.median_days_to_payment).toBeLessThan(45);

        // Warmed: the first dashboard is served from the cache.
        const status = await freshnessOf(ctx.db, session.providerId);
        expect(status.cacheVersion).toBe(status.dataVersion);
        // Sign-up's own session was ended; only the login above holds one.
        const sessions = await ctx.admin.query(
          'select count(*)::int as n from sessions where provider_id = $1',
          [session.providerId],
        );
        expect(sessions.rows[0].n).toBe(1);
      }
    } finally {
      await services.close();
    }
  });

  it('draws the same claims from the same seed', async () => {
    const drawn = [];
    for (const providerId of [await createProvider(ctx.admin), await createProvider(ctx.admin)]) {
      const owner = await ctx.admin.connect();
      try {
        await insertSyntheticClaims(drizzle({ client: owner }), providerId, {
          count: 200,
          until: '2026-11-21',
          seed: 42,
        });
      } finally {
        owner.release();
      }
      const { rows } = await ctx.admin.query(
        `select claim_type, health_service_code, date_of_service, fee_submitted, fee_assessed,
                state, submitted_at, paid_at
         from claims where provider_id = $1 order by created_at, id`,
        [providerId],
      );
      drawn.push(rows.map((r) => JSON.stringify(r)).sort());
    }
    expect(drawn[0]).toHaveLength(200);
    expect(drawn[1]).toEqual(drawn[0]);
  });
});
