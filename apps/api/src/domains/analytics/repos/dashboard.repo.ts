import {
  type CacheFigure,
  type ClaimType,
  MONTHLY_METRIC_KEYS,
  OUTSTANDING_METRIC_KEYS,
} from '@meritum/shared';
import { type SQL, sql } from 'drizzle-orm';
import { preparedRows } from '../../../db/prepared';
import type { ProviderTx } from '../../../db/provider-scope';
import type { FiguresSpan } from './dashboard-figures.repo';
import {
  type FreshnessStatus,
  missingMonthsQuery,
  type StatusRow,
  statusQuery,
  toFreshnessStatus,
} from './freshness.repo';

export interface DashboardRead {
  status: FreshnessStatus;
  /**
   * The period's monthly totals (or one claim type's), then its rows by health service code and
   * by explanatory code summed over the period in SQL (periodStart: the period's start): a
   * period's breakdowns are never shown by month, and summing them there sends a row per code
   * instead of one per code and month.
   */
  rows: CacheFigure[];
  /** The previous period's totals, summed by metric in SQL; empty unless asked for. */
  previous: Array<Pick<CacheFigure, 'metricKey' | 'value'>>;
  /** The outstanding figures of the day they were computed for, by age bucket. */
  outstanding: CacheFigure[];
  missingMonths: string[];
}

/**
 * What a refresh assembles several spans from: the provider's freshness, the monthly rows of
 * the months the spans and the periods before them cover (totals and by claim type, month by
 * month; by code and by reason only in the spans' own months) and every outstanding row.
 * DashboardRepo.read takes a span's share of these in SQL; readFromWindow (dashboard-spans.ts)
 * takes the same share in TypeScript.
 */
export interface DashboardWindow {
  status: FreshnessStatus;
  rows: CacheFigure[];
  outstanding: CacheFigure[];
}

type WindowRow = Partial<CacheFigure> & { status: StatusRow | null; outstanding: boolean | null };

type ReadRow = StatusRow & {
  kept: object | null;
  kept_read_on: string | null;
  rows: Array<[string, string, object, string]> | null;
  by_code: Array<[string, string, object, string]> | null;
  previous: Array<[string, string]> | null;
  outstanding: Array<[string, string, object, string]> | null;
  missing_months: string[];
};

/**
 * What one dashboard request reads, in one statement: the provider's freshness, the period's
 * cache rows that the dashboard sums (totals, or one claim type's, and the rows by code and by
 * reason; the four columns it uses, built into one JSON value by PostgreSQL), the previous
 * period's totals summed by metric, and the outstanding figures. With `months` (first days the
 * cache may not hold), it also says which of them it is missing (`missingMonthsQuery`), from the
 * same snapshot. With `kept` (a span and the format of its figures), it first looks for the
 * figures kept for the cache as it stands (from its latest refresh) and, when it finds them,
 * reads no row: they are what summing the rows would give.
 */
export class DashboardRepo {
  constructor(private readonly tx: ProviderTx) {}

  async read(
    range: {
      start: string;
      end: string;
      claimType?: ClaimType | undefined;
      previous?: { start: string; end: string } | undefined;
    },
    months: readonly string[] = [],
    kept?: { span: FiguresSpan; format: number },
  ): Promise<DashboardRead & { kept: object | null; keptReadOn: string | null }> {
    const { start, end, claimType, previous } = range;
    const { providerId } = this.tx;
    const typeDims = JSON.stringify({ claim_type: claimType });
    // The period's rows are scanned once (by provider and period, the cache's key), then split:
    // totals by month, and the rows by code and by explanatory code summed over the period.
    const ofType = claimType ? sql`and c.dimensions @> ${typeDims}::jsonb` : sql``;
    const isCode = sql`(r.dimensions ? 'health_service_code' or r.dimensions ? 'explanatory_code')`;
    const isTotal = claimType ? sql`not ${isCode}` : sql`r.dimensions = '{}'::jsonb`;
    // Written with ? rather than =, which PostgreSQL would check entry by entry in the index.
    const previousTotals = claimType
      ? sql`c.dimensions @> ${typeDims}::jsonb
            and not (c.dimensions ? 'health_service_code' or c.dimensions ? 'explanatory_code')`
      : sql`not c.dimensions ? 'claim_type'`;
    const outstandingDims = claimType
      ? sql`c.dimensions @> ${typeDims}::jsonb`
      : sql`not c.dimensions ? 'claim_type'`;
    const monthly = sql.param([...MONTHLY_METRIC_KEYS]);
    // With kept figures found, nothing else is read: each subquery below is an InitPlan, which
    // PostgreSQL runs only when first needed, and a CASE branch not taken never needs it.
    const unlessKept = (query: SQL) =>
      kept ? sql`case when k.figures is null then ${query} end` : query;
    const keptFigures = kept
      ? sql`left join lateral (
              select f.figures, f.read_on::text as read_on from analytics_dashboard_figures f
               where f.provider_id = ${providerId}
                 and f.period_start = ${kept.span.start} and f.period_end = ${kept.span.end}
                 and f.claim_type = ${kept.span.claimType} and f.format = ${kept.format}
                 and f.refresh_count::text = status.refresh_count) k on true`
      : sql``;
    const rows = await preparedRows<ReadRow>(
      this.tx.client,
      sql`
        with status as (${statusQuery(providerId)}),
        period_rows as materialized (
          select c.metric_key, c.period_start, c.dimensions, c.value
            from analytics_cache c
           where c.provider_id = ${providerId}
             and c.metric_key = any(${monthly}::text[])
             and c.period_start >= ${start} and c.period_end <= ${end}
             ${ofType}
        )
        select status.*, ${kept ? sql`k.figures` : sql`null::json`} as kept,
               ${kept ? sql`k.read_on` : sql`null::text`} as kept_read_on,
               ${unlessKept(sql`(select coalesce(json_agg(json_build_array(r.metric_key, r.period_start, r.dimensions,
                                                          r.value::text)), '[]')
                  from period_rows r where ${isTotal})`)} as rows,
               ${unlessKept(sql`(select coalesce(json_agg(json_build_array(g.metric_key, ${start}::date, g.dimensions,
                                                          g.value)), '[]')
                  from (select r.metric_key, r.dimensions, sum(r.value)::text as value
                          from period_rows r where ${isCode}
                         group by r.metric_key, r.dimensions) g)`)} as by_code,
               ${
                 previous
                   ? unlessKept(sql`(select coalesce(json_agg(json_build_array(p.metric_key, p.value)), '[]')
                            from (select c.metric_key, sum(c.value)::text as value
                                    from analytics_cache c
                                   where c.provider_id = ${providerId}
                                     and c.metric_key = any(${monthly}::text[])
                                     and c.period_start >= ${previous.start}
                                     and c.period_end <= ${previous.end}
                                     and ${previousTotals}
                                   group by c.metric_key) p)`)
                   : sql`'[]'::json`
               } as previous,
               ${unlessKept(sql`(select coalesce(json_agg(json_build_array(c.metric_key, c.period_start, c.dimensions,
                                                          c.value::text)), '[]')
                  from analytics_cache c
                 where c.provider_id = ${providerId}
                   and c.metric_key = any(${sql.param([...OUTSTANDING_METRIC_KEYS])}::text[])
                   and ${outstandingDims})`)} as outstanding,
               ${missingMonthsQuery(providerId, months)} as missing_months
        from status ${keptFigures}`,
    );
    const row = rows[0];
    return {
      status: toFreshnessStatus(row),
      // Values travel as text inside the JSON: exact, never a float.
      rows: [...(row?.rows ?? []), ...(row?.by_code ?? [])].map(toFigure),
      previous: (row?.previous ?? []).map(([metricKey, value]) => ({ metricKey, value })),
      outstanding: (row?.outstanding ?? []).map(toFigure),
      missingMonths: row?.missing_months ?? [],
      kept: row?.kept ?? null,
      keptReadOn: row?.kept_read_on ?? null,
    };
  }

  /**
   * The freshness and the window's rows (DashboardWindow): of the months from `start` to `end`,
   * those by code and by reason only from `codesFrom` (before it, the periods the spans compare
   * with, whose totals alone are shown).
   */
  async readWindow(range: {
    start: string;
    codesFrom: string;
    end: string;
  }): Promise<DashboardWindow> {
    const { providerId } = this.tx;
    const outstanding = sql.param([...OUTSTANDING_METRIC_KEYS]);
    // One statement, so one snapshot: the rows are those of the refresh the status names. The
    // cache rows come as plain rows, not one JSON value (building and parsing the JSON of a few
    // thousand rows took longer than the rows), the status with the first of them alone.
    const { rows } = await this.tx.db.execute<WindowRow>(sql`
      with status as (${statusQuery(providerId)})
      select case when c.n is null or c.n = 1 then row_to_json(status) end as status,
             c.metric_key as "metricKey", c.period_start as "periodStart", c.dimensions,
             c.value, c.outstanding
        from status left join lateral (
          select row_number() over () as n, c.metric_key, c.period_start::text as period_start,
                 c.dimensions, c.value::text as value,
                 c.metric_key = any(${outstanding}::text[]) as outstanding
            from analytics_cache c
           where c.provider_id = ${providerId}
             and (c.metric_key = any(${outstanding}::text[])
                  or (c.metric_key = any(${sql.param([...MONTHLY_METRIC_KEYS])}::text[])
                      and c.period_start >= ${range.start} and c.period_end <= ${range.end}
                      and (c.period_start >= ${range.codesFrom}
                           or not (c.dimensions ? 'health_service_code'
                                   or c.dimensions ? 'explanatory_code'))))) c on true`);
    const window: DashboardWindow = {
      status: toFreshnessStatus(undefined),
      rows: [],
      outstanding: [],
    };
    for (const { status, outstanding: isOutstanding, ...figure } of rows) {
      if (status) window.status = toFreshnessStatus(status);
      if (isOutstanding !== null) {
        (isOutstanding ? window.outstanding : window.rows).push(figure as CacheFigure);
      }
    }
    return window;
  }
}

function toFigure([metricKey, periodStart, dims, value]: [string, string, object, string]) {
  return { metricKey, periodStart, dimensions: dims as CacheFigure['dimensions'], value };
}
