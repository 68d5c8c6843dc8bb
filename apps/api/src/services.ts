import type { Clock } from '@meritum/shared';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './db/client';
import { createAnalytics } from './domains/analytics/analytics.module';
import { createValidationService } from './domains/analytics/services/validation.service';
import { createLoginThrottle, type LoginThrottlePolicy } from './domains/auth/login-throttle';
import { AuthLookups, AuthRepo } from './domains/auth/repos/auth.repo';
import { createAuthService } from './domains/auth/services/auth.service';
import type { SessionPolicy } from './domains/auth/session-policy';
import { ClaimsRepo } from './domains/claims/repos/claims.repo';
import { createClaimsService } from './domains/claims/services/claims.service';
import { EventBus } from './lib/events';
import { type Limit, requestLimit } from './lib/rate-limit';

/** The composition root: every service, wired once, for the server and for tests alike. */
export function createServices(deps: {
  db: Database;
  /** The pool behind `db`: the shared rate limits use it directly. */
  pool: pg.Pool;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  coalesceMs?: number;
  statementMaxAgeHours?: number;
  sessions?: SessionPolicy;
  loginThrottle?: LoginThrottlePolicy;
}) {
  const { db, pool, clock, logger } = deps;
  const events = new EventBus();
  const analytics = createAnalytics({
    db,
    events,
    clock,
    logger,
    coalesceMs: deps.coalesceMs,
    statementMaxAgeHours: deps.statementMaxAgeHours,
  });
  return {
    events,
    analytics,
    claims: createClaimsService({ db, claims: (tx) => new ClaimsRepo(tx), events, clock }),
    auth: createAuthService({
      db,
      lookups: new AuthLookups(pool),
      repo: (tx) => new AuthRepo(tx),
      throttle: createLoginThrottle(pool, deps.loginThrottle),
      events,
      clock,
      sessions: deps.sessions,
    }),
    /** A limit on requests, counted in PostgreSQL so that every instance shares it. */
    requestLimit: (name: string, limit: Limit) => requestLimit(pool, name, limit),
    validation: createValidationService(db),
    /**
     * Stops the claim-change and sign-in hooks and waits for the refreshes and the assembling
     * they asked for.
     */
    close: () => analytics.close(),
  };
}

export type Services = ReturnType<typeof createServices>;
