import { type Clock, edmontonDateString, SignupRequest } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { withProviderScope } from '../db/provider-scope';
import type { RefreshService } from '../domains/analytics/services/refresh.service';
import { retentionWindow } from '../domains/analytics/services/retention';
import { createAccount } from '../domains/auth/services/auth.service';
import { parseOrThrow } from '../lib/validate';
import { insertSyntheticClaims } from './synthetic-claims';

export interface DemoPhysician {
  name: string;
  email: string;
  password: string;
  billingNumber: string;
  claims: number;
  seed: number;
}

/** Two physicians with two years of claims each. The passwords are printed at start-up. */
export const DEMO_PHYSICIANS: readonly DemoPhysician[] = [
  {
    name: 'Dr. Amelia Chen',
    email: 'amelia.chen@demo.meritum.ca',
    password: 'demo-password-chen',
    billingNumber: 'DEMO-10421',
    claims: 4_200,
    seed: 1_021,
  },
  {
    name: 'Dr. Rohan Patel',
    email: 'rohan.patel@demo.meritum.ca',
    password: 'demo-password-patel',
    billingNumber: 'DEMO-20873',
    claims: 2_800,
    seed: 2_087,
  },
];

// Serialises seeding across API instances starting together on one empty database.
const DEMO_LOCK_KEY = 727_020;

export interface DemoDeps {
  /** The application's connections (meritum_app): everything goes in under row-level security. */
  db: Database;
  /** As meritum_jobs: the only role that may count every provider. */
  jobsDb: Database;
  refresher: Pick<RefreshService, 'refreshProvider'>;
  clock: Clock;
  logger: Pick<Logger, 'info'>;
}

/**
 * Seeds the demo physicians when the database has no provider at all, in one transaction (an
 * interrupted first start leaves nothing behind and the next seeds again), then warms their
 * cache so the first dashboard is served from it. Returns whether it seeded.
 */
export async function seedDemoData(deps: DemoDeps): Promise<boolean> {
  const seeded = await deps.jobsDb.transaction(async (lock) => {
    await lock.execute(sql`select pg_advisory_xact_lock(${DEMO_LOCK_KEY})`);
    const { rows } = await lock.execute<{ n: string }>(
      sql`select analytics_provider_count()::text as n`,
    );
    if (Number(rows[0]?.n) > 0) return [];
    const until = edmontonDateString(deps.clock.now());
    return deps.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const physician of DEMO_PHYSICIANS) ids.push(await seedPhysician(tx, physician, until));
      return ids;
    });
  });
  for (const providerId of seeded) {
    await deps.refresher.refreshProvider(providerId, { months: retentionWindow(deps.clock) });
  }
  if (seeded.length > 0) deps.logger.info({ providers: seeded }, 'demo physicians seeded');
  return seeded.length > 0;
}

async function seedPhysician(tx: Database, physician: DemoPhysician, until: string) {
  const account = await createAccount(
    tx,
    parseOrThrow(
      SignupRequest,
      {
        email: physician.email,
        password: physician.password,
        name: physician.name,
        billingNumber: physician.billingNumber,
      },
      'demo physician',
    ),
  );
  // Seeding runs on an empty database only, under a lock: a taken email is a bug.
  if (!account) throw new Error(`demo physician ${physician.email} already exists`);
  const { providerId } = account;
  await withProviderScope(tx, providerId, (scoped) =>
    insertSyntheticClaims(scoped.db, providerId, {
      count: physician.claims,
      until,
      seed: physician.seed,
    }),
  );
  return providerId;
}
