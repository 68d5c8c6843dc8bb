import { edmontonDateString, systemClock } from '@meritum/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import supertest from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { type App, type AppOptions, buildApp } from '../src/app';
import { insertSyntheticClaims } from '../src/demo/synthetic-claims';
import { createServices, type Services } from '../src/services';
import { silentLogger } from './analytics-harness';
import type { TestDatabase } from './db';
import { NO_LIMITS } from './no-limits';
import { type InProcessApp, signUp } from './sign-up';

/** The real app on the file's database, through Supertest (after ready(), on app.server). */
export function useApp(ctx: TestDatabase, options: AppOptions = {}) {
  const handle = {} as { app: App; services: Services; http: () => supertest.Agent };
  beforeAll(async () => {
    handle.services = createServices({
      db: ctx.db,
      pool: ctx.pool,
      clock: systemClock,
      logger: silentLogger,
      coalesceMs: 20,
    });
    handle.app = await buildApp({
      db: ctx.db,
      services: handle.services,
      options: { ...options, limits: { ...NO_LIMITS, ...options.limits } },
    });
    await handle.app.ready();
    handle.http = () => supertest.agent(handle.app.server);
  });
  afterAll(async () => {
    await handle.services?.close();
    await handle.app?.close();
  });
  return handle;
}

/**
 * Signs a new physician up and gives them two years of synthetic claims to today, inserted as
 * the owner, so that the claims triggers fire as in production.
 */
export async function signUpWithClaims(
  app: InProcessApp,
  ctx: TestDatabase,
  claims: { count: number; seed: number },
) {
  const signed = await signUp(app);
  const owner = await ctx.admin.connect();
  try {
    await insertSyntheticClaims(drizzle({ client: owner }), signed.providerId, {
      ...claims,
      until: edmontonDateString(systemClock.now()),
    });
  } finally {
    owner.release();
  }
  return signed;
}
