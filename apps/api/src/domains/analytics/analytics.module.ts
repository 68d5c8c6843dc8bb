import type { Clock } from '@meritum/shared';
import type { Logger } from 'pino';
import type { Database } from '../../db/client';
import type { EventBus } from '../../lib/events';
import { onClaimsChanged } from './hooks/claims-changed.hook';
import { RefreshScheduler } from './hooks/refresh-scheduler';
import { MetricsCalculator } from './metrics/metrics-calculator';
import { AnalyticsCacheRepo } from './repos/analytics-cache.repo';
import { DashboardRepo } from './repos/dashboard.repo';
import { FreshnessRepo } from './repos/freshness.repo';
import { createDashboardService } from './services/dashboard.service';
import { RefreshService } from './services/refresh.service';

export interface AnalyticsOptions {
  db: Database;
  events: Pick<EventBus, 'on'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The least time between two refreshes of one provider after claim changes. Default 200 ms. */
  coalesceMs?: number;
  maxAgeMinutes?: number;
  /** Replaces the calculator (tests spy on it). */
  calculator?: (tx: Database) => Pick<MetricsCalculator, 'compute'>;
}

/** The analytics domain, wired: what the routes, the hook and the nightly job use. */
export function createAnalytics(options: AnalyticsOptions) {
  const { db, events, clock, logger } = options;
  const calculator = options.calculator ?? ((tx: Database) => new MetricsCalculator(tx));
  const cache = new AnalyticsCacheRepo(db);
  const freshness = new FreshnessRepo(db);
  const refresher = new RefreshService({
    db,
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
  const dashboard = createDashboardService({
    reads: new DashboardRepo(db),
    refresher,
    clock,
    logger,
    maxAgeMinutes: options.maxAgeMinutes,
  });
  return {
    clock,
    cache,
    freshness,
    refresher,
    scheduler,
    dashboard,
    /** Stops listening for claim changes and waits for the refreshes already asked for. */
    async close() {
      stopHook();
      await scheduler.idle();
    },
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
