import type { Clock } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../db/client';
import type { ProviderTx } from '../../db/provider-scope';
import type { EventBus } from '../../lib/events';
import { onClaimsChanged } from './hooks/claims-changed.hook';
import { RefreshScheduler } from './hooks/refresh-scheduler';
import { onSignedIn } from './hooks/signed-in.hook';
import { MetricsCalculator } from './metrics/metrics-calculator';
import { AnalyticsCacheRepo } from './repos/analytics-cache.repo';
import { DashboardRepo } from './repos/dashboard.repo';
import { DashboardFiguresRepo } from './repos/dashboard-figures.repo';
import { FreshnessRepo } from './repos/freshness.repo';
import { StatementRepo } from './repos/statement.repo';
import { StatementExportRepo } from './repos/statement-export.repo';
import { createCachedFiguresService } from './services/cached-figures.service';
import { createDashboardService } from './services/dashboard.service';
import { createKeptFigures } from './services/kept-figures';
import { RefreshService } from './services/refresh.service';
import { createStatementService } from './services/statement.service';
import { createStatementExportService } from './services/statement-export.service';

export interface AnalyticsOptions {
  db: Database;
  events: Pick<EventBus, 'on'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The least time between two refreshes of one provider after claim changes. Default 200 ms. */
  coalesceMs?: number;
  maxAgeMinutes?: number;
  /** How long a statement may be exported without a re-run. Default 24. */
  statementMaxAgeHours?: number;
  /** Replaces the calculator (tests spy on it). */
  calculator?: (tx: ProviderTx) => Pick<MetricsCalculator, 'compute'>;
}

/** The analytics domain, wired: what the routes, the hook and the nightly job use. */
export function createAnalytics(options: AnalyticsOptions) {
  const { db, events, clock, logger } = options;
  const calculator = options.calculator ?? ((tx: ProviderTx) => new MetricsCalculator(tx));
  const refresher = new RefreshService({
    db,
    clock,
    repos: (tx) => ({
      cache: new AnalyticsCacheRepo(tx),
      freshness: new FreshnessRepo(tx),
      calculator: calculator(tx),
    }),
  });
  const scheduler = new RefreshScheduler(refresher, {
    coalesceMs: options.coalesceMs ?? 200,
    busyRetries: 10,
    logger,
  });
  const stopHook = onClaimsChanged(events, scheduler);
  const keptFigures = createKeptFigures({
    db,
    repos: (tx) => ({ dashboard: new DashboardRepo(tx), figures: new DashboardFiguresRepo(tx) }),
    refresher,
    clock,
    logger,
  });
  const stopSignIns = onSignedIn(events, keptFigures);
  const dashboard = createDashboardService({
    db,
    reads: (tx) => new DashboardRepo(tx),
    kept: keptFigures,
    refresher,
    clock,
    logger,
    maxAgeMinutes: options.maxAgeMinutes,
  });
  const statements = createStatementService({
    db,
    repos: (tx) => ({ statements: new StatementRepo(tx), dashboard: new DashboardRepo(tx) }),
    refresher,
    clock,
    maxAgeHours: options.statementMaxAgeHours,
  });
  const statementExports = createStatementExportService({
    db,
    repos: (tx) => ({
      statements: new StatementRepo(tx),
      exports: new StatementExportRepo(tx),
      calculator: calculator(tx),
    }),
    clock,
    maxAgeHours: options.statementMaxAgeHours,
  });
  return {
    clock,
    figures: createCachedFiguresService(db),
    refresher,
    scheduler,
    dashboard,
    keptFigures,
    statements,
    statementExports,
    /**
     * Stops listening for claim changes and sign-ins, and waits for the refreshes and the
     * assembling already asked for.
     */
    async close() {
      stopHook();
      stopSignIns();
      await scheduler.idle();
      await keptFigures.settled();
    },
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
