import type { Clock } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from './db/client';
import { createAnalytics } from './domains/analytics/analytics.module';
import { createValidationService } from './domains/analytics/services/validation.service';
import { AuthRepo } from './domains/auth/repos/auth.repo';
import { createAuthService } from './domains/auth/services/auth.service';
import { ClaimsRepo } from './domains/claims/repos/claims.repo';
import { createClaimsService } from './domains/claims/services/claims.service';
import { EventBus } from './lib/events';

/** The composition root: every service, wired once, for the server and for tests alike. */
export function createServices(deps: {
  db: Database;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  coalesceMs?: number;
  statementMaxAgeHours?: number;
}) {
  const { db, clock, logger } = deps;
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
    claims: createClaimsService({ claims: new ClaimsRepo(db), events, clock }),
    auth: createAuthService({ repo: new AuthRepo(db), clock }),
    validation: createValidationService(db),
    /** Stops the claim-change hook and waits for the refreshes it asked for. */
    close: () => analytics.close(),
  };
}

export type Services = ReturnType<typeof createServices>;
