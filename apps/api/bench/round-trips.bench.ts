import { edmontonDateString, systemClock } from '@meritum/shared';
import type pg from 'pg';
import pino from 'pino';
import { createAppPool, createDatabase } from '../src/db/client';
import { retentionWindow } from '../src/domains/analytics/services/retention';
import { createServices } from '../src/services';
import type { Benchmark } from './harness';
import { seedSyntheticClaims } from './synthetic-claims';

/** Statements that carry no data: the transaction and scope around the ones that do. */
const FRAMING = /^\s*(begin|commit|rollback|savepoint|release|set local)\b/i;

interface Count {
  roundTrips: number;
  statements: number;
  /** Statements that read or write data: what the work needs whatever its framing. */
  dataStatements: number;
}

/**
 * Counts what the clients of `pool` send: every query() call is one round trip, and a simple
 * query of several statements counts each of them.
 */
function countQueries(pool: pg.Pool) {
  const count: Count = { roundTrips: 0, statements: 0, dataStatements: 0 };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string }).text;
      count.roundTrips += 1;
      for (const statement of (text ?? '').split(';').filter((s) => s.trim() !== '')) {
        count.statements += 1;
        if (!FRAMING.test(statement)) count.dataStatements += 1;
      }
      return query(...args);
    };
  });
  return {
    async during(work: () => Promise<unknown>): Promise<Count> {
      const before = { ...count };
      await work();
      return {
        roundTrips: count.roundTrips - before.roundTrips,
        statements: count.statements - before.statements,
        dataStatements: count.dataStatements - before.dataStatements,
      };
    },
  };
}

/**
 * What one unit of work sends to PostgreSQL: round trips and statements of a warm dashboard
 * read, a claim transition, the refresh of its dirty month and a refresh of the 24-month
 * window, counted on the application's own pool. The baseline is the data statements among
 * them (those that read or write rows): a ratio of 1 would be no framing at all.
 */
export const roundTrips: Benchmark = {
  id: 'round-trips',
  async run(ctx) {
    const today = edmontonDateString(systemClock.now());
    const [providerId] = await seedSyntheticClaims(ctx.admin, {
      providers: 1,
      claimsPerProvider: 2_000,
      until: today,
      seed: 11,
    });
    const p = providerId as string;
    const pool = createAppPool(ctx.url, { max: 2, applicationName: 'meritum-bench-round-trips' });
    const counter = countQueries(pool);
    const db = createDatabase(pool);
    const services = createServices({
      db,
      pool,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      coalesceMs: 60_000,
    });
    const { analytics, claims } = services;
    try {
      const window = retentionWindow(systemClock);
      await analytics.refresher.refreshProvider(p, { months: window });
      const thisYear = { period: 'last_12_months' as const };
      await analytics.dashboard.getDashboard(p, thisYear);
      await analytics.keptFigures.settled();

      const { id } = await claims.create(p, {
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: today,
        feeSubmitted: '50.00',
      });
      await claims.transition(p, id, { to: 'submitted' });
      await analytics.refresher.refreshProvider(p);

      const counts: Array<[string, Count]> = [
        [
          'dashboard read, warm',
          // With whatever it keeps after answering: nothing, once the figures are kept.
          await counter.during(async () => {
            await analytics.dashboard.getDashboard(p, thisYear);
            await analytics.keptFigures.settled();
          }),
        ],
        ['claim transition', await counter.during(() => claims.transition(p, id, { to: 'paid' }))],
        [
          'refresh of the dirty month',
          await counter.during(() => analytics.refresher.refreshProvider(p)),
        ],
        [
          'refresh of the 24-month window',
          await counter.during(() => analytics.refresher.refreshProvider(p, { months: window })),
        ],
      ];
      const sum = (key: keyof Count) => counts.reduce((total, [, c]) => total + c[key], 0);
      return {
        id: this.id,
        title: 'Round trips and statements per unit of work',
        description:
          'What the API sends to PostgreSQL for one warm dashboard read, one claim transition, the ' +
          'refresh of the month it dirtied and a refresh of the 24-month window (2,000 claims), counted ' +
          'on the application pool: every query() call is a round trip, and each statement of a ' +
          'multi-statement simple query counts. Data statements are those that read or write rows ' +
          '(not BEGIN, SET LOCAL, SAVEPOINT, RELEASE or COMMIT).',
        measurements: counts.map(([label, c]) => ({
          label,
          figures: {
            'round trips': c.roundTrips,
            statements: c.statements,
            'data statements': c.dataStatements,
          },
        })),
        ratio: {
          label: 'round trips ÷ data statements, all four',
          value: Number((sum('roundTrips') / sum('dataStatements')).toFixed(2)),
        },
      };
    } finally {
      await services.close();
      await pool.end();
    }
  },
};
