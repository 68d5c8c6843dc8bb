import {
  addMonths,
  BUSINESS_TIME_ZONE,
  type CacheEntryValues,
  firstOfMonth,
  lastOfMonth,
  type MetricKey,
  parseDate,
} from '@meritum/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';
import {
  type DimensionSet,
  METRIC_DEFINITIONS,
  type MetricBasis,
  type MetricDefinition,
  type MetricMeasure,
} from './definitions';

export interface ComputedMetrics {
  /** The provider's data version, read in the same snapshot as the claims. */
  sourceVersion: string;
  entries: CacheEntryValues[];
}

type MetricRow = {
  source_version: string;
  // Null in the one row that carries only the version, when no metric row exists.
  month: string;
  dimension: DimensionSet;
  claim_type: string | null;
  health_service_code: string | null;
  metric_key: MetricKey | null;
  value: string;
};

// Edmonton calendar dates of a claim's payment and submission.
const PAID_DATE = sql.raw(`(c.paid_at at time zone '${BUSINESS_TIME_ZONE}')::date`);
const SUBMITTED_DATE = sql.raw(`(c.submitted_at at time zone '${BUSINESS_TIME_ZONE}')::date`);

const MONTH_OF: Record<MetricBasis, SQL> = {
  service_month: sql`date_trunc('month', c.date_of_service)::date`,
  payment_month: sql`date_trunc('month', ${PAID_DATE})::date`,
};

const MEASURE: Record<MetricMeasure, (filter: SQL) => SQL> = {
  count: (filter) => sql`(count(*) filter (where ${filter}))::text`,
  fee_submitted: (filter) =>
    sql`coalesce(sum(c.fee_submitted) filter (where ${filter}), 0.00)::text`,
  fee_assessed: (filter) => sql`coalesce(sum(c.fee_assessed) filter (where ${filter}), 0.00)::text`,
  days_to_payment: (filter) =>
    sql`coalesce(sum(${PAID_DATE} - ${SUBMITTED_DATE}) filter (where ${filter}), 0)::text`,
};

/**
 * Computes the v1 metrics of one provider for a set of months from its claims, set-based, in
 * ONE statement: both month bases, every dimension set at once (GROUPING SETS), and the data
 * version, so that the version is exactly that of the claims seen. (Read in another statement,
 * a commit in between would label old figures with its newer version.)
 */
export class MetricsCalculator {
  constructor(private readonly tx: ProviderTx) {}

  /** The figures of the scope's provider for `months` (first days, 'YYYY-MM-DD'). */
  async compute(months: readonly string[]): Promise<ComputedMetrics> {
    const { rows } = await this.tx.db.execute<MetricRow>(
      metricsQuery(this.tx.providerId, [...new Set(months)].sort()),
    );
    // One statement, one snapshot: the version always comes back (left join), rows or none.
    const sourceVersion = rows[0]?.source_version ?? '0';
    const entries = rows
      .filter((row): row is MetricRowOf => row.metric_key !== null)
      .map((row) => toEntry(sourceVersion, row));
    return { sourceVersion, entries };
  }
}

/** A row that carries a metric (not only the version). */
type MetricRowOf = MetricRow & { metric_key: MetricKey };

/** Code-level rows carry their claim type too, so that the AHCIP/WCB filter applies to them. */
const DIMENSIONS_OF: Record<DimensionSet, (row: MetricRow) => Record<string, string>> = {
  all: () => ({}),
  claim_type: (row) => ({ claim_type: row.claim_type ?? '' }),
  health_service_code: (row) => ({
    claim_type: row.claim_type ?? '',
    health_service_code: row.health_service_code ?? '',
  }),
};

function toEntry(sourceVersion: string, row: MetricRowOf): CacheEntryValues {
  const { year, month } = parseDate(row.month);
  return {
    metricKey: row.metric_key,
    periodStart: firstOfMonth(year, month),
    periodEnd: lastOfMonth(year, month),
    dimensions: DIMENSIONS_OF[row.dimension](row),
    value: row.value,
    sourceVersion,
  };
}

/** One statement: the version, left-joined to the metric rows of both bases. */
function metricsQuery(providerId: string, months: string[]): SQL {
  return sql`
    with version as (
      select coalesce((select version from provider_data_versions where provider_id = ${providerId}), 0)::text as v
    ),
    metric_rows as (
      ${basisRows('service_month', providerId, months)}
      union all
      ${basisRows('payment_month', providerId, months)}
    )
    select version.v as source_version, r.month::text as month, r.dimension, r.claim_type,
           r.health_service_code, r.metric_key, r.value
    from version
    left join metric_rows r on true
    order by 2, 3, 4, 5, 6`;
}

/** The metric rows of one month basis, unpivoted: (month, dimension, ..., metric_key, value). */
function basisRows(basis: MetricBasis, providerId: string, months: string[]): SQL {
  const definitions = METRIC_DEFINITIONS.filter((d) => d.basis === basis);
  const byCode = definitions.some((d) => d.dimensions.includes('health_service_code'));
  const month = MONTH_OF[basis];
  const first = months[0] ?? '1900-01-01';
  const last = parseDate(months.at(-1) ?? '1900-01-01');
  const next = addMonths(last.year, last.month, 1);
  const end = firstOfMonth(next.year, next.month);
  // A range on the indexed column first, then the exact months.
  const range =
    basis === 'service_month'
      ? sql`c.date_of_service >= ${first}::date and c.date_of_service < ${end}::date`
      : sql`c.paid_at >= (${first}::timestamp at time zone ${BUSINESS_TIME_ZONE})
            and c.paid_at < (${end}::timestamp at time zone ${BUSINESS_TIME_ZONE})`;
  const states = [...new Set(definitions.flatMap((d) => d.states))];

  return sql`
    select l.month, l.dimension, l.claim_type, l.health_service_code, m.metric_key, m.value
    from (
      select g.*,
             case when g.code_rolled_up = 0 then 'health_service_code'
                  when g.type_rolled_up = 0 then 'claim_type'
                  else 'all' end as dimension
      from (
        select ${month} as month, c.claim_type::text as claim_type,
               ${byCode ? sql`c.health_service_code` : sql`null::text`} as health_service_code,
               grouping(c.claim_type) as type_rolled_up,
               ${byCode ? sql`grouping(c.health_service_code)` : sql`1`} as code_rolled_up,
               ${sql.join(
                 definitions.map((d) => sql`${measureOf(d)} as ${sql.identifier(d.key)}`),
                 sql`, `,
               )}
        from claims c
        where c.provider_id = ${providerId}
          and ${range}
          and ${month} = any(${sql.param(months)}::date[])
          and c.state::text = any(${sql.param(states)}::text[])
        group by grouping sets ((${month}), (${month}, c.claim_type)${byCode ? sql`, (${month}, c.claim_type, c.health_service_code)` : sql``})
      ) g
    ) l
    cross join lateral (values ${sql.join(
      definitions.map(
        (d) =>
          sql`(${d.key}::text, ${sql.identifier(d.key)}, ${sql.param(d.dimensions as string[])}::text[])`,
      ),
      sql`, `,
    )}) as m(metric_key, value, dimension_sets)
    where l.dimension = any(m.dimension_sets)`;
}

function measureOf(definition: MetricDefinition): SQL {
  return MEASURE[definition.measure](
    sql`c.state::text = any(${sql.param(definition.states as string[])}::text[])`,
  );
}
