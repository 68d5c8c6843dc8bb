import { type CacheFigure, type ClaimType, STORED_METRIC_KEYS } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import { preparedRows } from '../../../db/prepared';
import type { ProviderTx } from '../../../db/provider-scope';
import {
  type FreshnessStatus,
  missingMonthsQuery,
  type StatusRow,
  statusQuery,
  toFreshnessStatus,
} from './freshness.repo';

/**
 * What one dashboard request reads, in one statement: the provider's freshness and the period's
 * cache rows that the dashboard sums. Only those rows (totals, or one claim type's, and the
 * code-level ones) and only the four columns it uses, built into one JSON value by PostgreSQL.
 * With `check`, the months (first days) the cache may not hold, it also says which of them it
 * is missing (`missingMonthsQuery`), from the same snapshot.
 */
export class DashboardRepo {
  constructor(private readonly tx: ProviderTx) {}

  async read(
    range: { start: string; end: string; claimType?: ClaimType | undefined },
    months: readonly string[] = [],
  ): Promise<{ status: FreshnessStatus; rows: CacheFigure[]; missingMonths: string[] }> {
    const { start, end, claimType } = range;
    const { providerId } = this.tx;
    const dimensions = claimType
      ? sql`c.dimensions @> ${JSON.stringify({ claim_type: claimType })}::jsonb`
      : sql`(c.dimensions = '{}'::jsonb or c.dimensions ? 'health_service_code')`;
    const rows = await preparedRows<
      StatusRow & { rows: Array<[string, string, object, string]>; missing_months: string[] }
    >(
      this.tx.client,
      sql`
        with status as (${statusQuery(providerId)})
        select status.*,
               (select coalesce(json_agg(json_build_array(c.metric_key, c.period_start, c.dimensions,
                                                          c.value::text)), '[]')
                  from analytics_cache c
                 where c.provider_id = ${providerId}
                   and c.metric_key = any(${sql.param([...STORED_METRIC_KEYS])}::text[])
                   and c.period_start >= ${start} and c.period_end <= ${end}
                   and ${dimensions}) as rows,
               ${missingMonthsQuery(providerId, months)} as missing_months
        from status`,
    );
    const row = rows[0];
    return {
      status: toFreshnessStatus(row),
      // Values travel as text inside the JSON: exact, never a float.
      rows: (row?.rows ?? []).map(([metricKey, periodStart, dims, value]) => ({
        metricKey,
        periodStart,
        dimensions: dims as CacheFigure['dimensions'],
        value,
      })),
      missingMonths: row?.missing_months ?? [],
    };
  }
}
