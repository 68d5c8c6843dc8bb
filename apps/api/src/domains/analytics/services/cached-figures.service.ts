import type { Dimensions, MetricKey, MetricsResponse } from '@meritum/shared';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';
import { AnalyticsCacheRepo } from '../repos/analytics-cache.repo';

export interface CachedFiguresQuery {
  keys: readonly MetricKey[];
  start: string;
  end: string;
  dimensions?: Dimensions | undefined;
}

/** The physician's cached figures as they are stored, without the table's own ids. */
export function createCachedFiguresService(db: Database) {
  return {
    async figures(providerId: string, query: CachedFiguresQuery): Promise<MetricsResponse> {
      const rows = await withProviderScope(db, providerId, (tx) =>
        new AnalyticsCacheRepo(tx).getMetrics(query.keys, query.start, query.end, query.dimensions),
      );
      return {
        figures: rows.map((row) => ({
          metricKey: row.metricKey,
          periodStart: row.periodStart,
          periodEnd: row.periodEnd,
          dimensions: row.dimensions,
          value: row.value,
          sourceVersion: row.sourceVersion,
          computedAt: row.computedAt,
        })),
      };
    },
  };
}

export type CachedFiguresService = ReturnType<typeof createCachedFiguresService>;
