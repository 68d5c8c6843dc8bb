import {
  addMonths,
  BUSINESS_TIME_ZONE,
  type CacheEntryValues,
  firstOfMonth,
  lastOfMonth,
  type MetricKey,
  NO_EXPLANATORY_CODE,
  OUTSTANDING_BUCKET_MAX_DAYS,
  OUTSTANDING_BUCKETS,
  parseDate,
} from '@meritum/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';
import {
  type DimensionSet,
  METRIC_DEFINITIONS,
  type MetricDefinition,
  type MetricMeasure,
  type MonthBasis,
} from './definitions';

export interface ComputedMetrics {
  /** The provider's data version, read in the same snapshot as the claims. */
  sourceVersion: string;
  entries: CacheEntryValues[];
}

type MetricRow = {
  source_version: string;
  // Null in the one row that carries only the version, when no metric row exists. For an
  // outstanding figure, the day it is computed for.
  month: string;
  dimension: DimensionSet;
  claim_type: string | null;
  health_service_code: string | null;
  explanatory_code: string | null;
  /** Set on outstanding figures only. */
  age_bucket: string | null;
  metric_key: MetricKey | null;
  value: string;
};

// Edmonton calendar dates of a claim's payment and submission.
const PAID_DATE = sql.raw(`(c.paid_at at time zone '${BUSINESS_TIME_ZONE}')::date`);
const SUBMITTED_DATE = sql.raw(`(c.submitted_at at time zone '${BUSINESS_TIME_ZONE}')::date`);

const MONTH_OF: Record<MonthBasis, SQL> = {
  service_month: sql`date_trunc('month', c.date_of_service)::date`,
  payment_month: sql`date_trunc('month', ${PAID_DATE})::date`,
};

const MEASURE: Record<MetricMeasure, (filter: SQL) => SQL> = {
  count: (filter) => sql`(count(*) filter (where ${filter}))::text`,
  fee_submitted: (filter) =>
    sql`coalesce(sum(c.fee_submitted) filter (where ${filter}), 0.00)::text`,
  fee_assessed: (filter) => sql`coalesce(sum(c.fee_assessed) filter (where ${filter}), 0.00)::text`,
  fee_lost: (filter) =>
    sql`coalesce(sum(c.fee_submitted - c.fee_assessed) filter (where ${filter}), 0.00)::text`,
  days_to_payment: (filter) =>
    sql`coalesce(sum(${PAID_DATE} - ${SUBMITTED_DATE}) filter (where ${filter}), 0)::text`,
};

/**
 * Computes the metrics of one provider for a set of months from its claims, set-based, in ONE
 * statement: both month bases, every dimension set at once (GROUPING SETS, and the explanatory
 * codes unnested), the outstanding figures as of a day when asked, and the data version, so
 * that the version is exactly that of the claims seen. (Read in another statement, a commit in
 * between would label old figures with its newer version.)
 */
export class MetricsCalculator {
  constructor(private readonly tx: ProviderTx) {}

  /**
   * The figures of the scope's provider for `months` (first days, 'YYYY-MM-DD'), and with
   * `outstandingAsOf` (an Edmonton date) the outstanding claims as of that day.
   */
  async compute(months: readonly string[], outstandingAsOf?: string): Promise<ComputedMetrics> {
    const { rows } = await this.tx.db.execute<MetricRow>(
      metricsQuery(this.tx.providerId, [...new Set(months)].sort(), outstandingAsOf),
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
  explanatory_code: (row) => ({
    claim_type: row.claim_type ?? '',
    explanatory_code: row.explanatory_code ?? '',
  }),
};

function toEntry(sourceVersion: string, row: MetricRowOf): CacheEntryValues {
  const dimensions = DIMENSIONS_OF[row.dimension](row);
  if (row.age_bucket !== null) {
    // An outstanding figure: of one day, the day it was computed for.
    return {
      metricKey: row.metric_key,
      periodStart: row.month,
      periodEnd: row.month,
      // Keys in order, as every dimension object is compared.
      dimensions: { age_bucket: row.age_bucket, ...dimensions },
      value: row.value,
      sourceVersion,
    };
  }
  const { year, month } = parseDate(row.month);
  return {
    metricKey: row.metric_key,
    periodStart: firstOfMonth(year, month),
    periodEnd: lastOfMonth(year, month),
    dimensions,
    value: row.value,
    sourceVersion,
  };
}

/** One statement: the version, left-joined to the metric rows of both bases (and outstanding). */
function metricsQuery(providerId: string, months: string[], outstandingAsOf?: string): SQL {
  const parts = (['service_month', 'payment_month'] as const).flatMap((basis) => {
    const rows = [basisRows(basis, providerId, months)];
    const byReason = reasonRows(basis, providerId, months);
    return byReason ? [...rows, byReason] : rows;
  });
  if (outstandingAsOf !== undefined) parts.push(outstandingRows(providerId, outstandingAsOf));
  return sql`
    with version as (
      select coalesce((select version from provider_data_versions where provider_id = ${providerId}), 0)::text as v
    ),
    metric_rows as (
      ${sql.join(parts, sql` union all `)}
    )
    select version.v as source_version, r.month::text as month, r.dimension, r.claim_type,
           r.health_service_code, r.explanatory_code, r.age_bucket, r.metric_key, r.value
    from version
    left join metric_rows r on true
    order by 2, 3, 4, 5, 6, 7, 8`;
}

/** The month range of `months` on a basis's column: the indexed range first, then the exact months. */
function monthFilter(basis: MonthBasis, months: string[]): SQL {
  const month = MONTH_OF[basis];
  const first = months[0] ?? '1900-01-01';
  const last = parseDate(months.at(-1) ?? '1900-01-01');
  const next = addMonths(last.year, last.month, 1);
  const end = firstOfMonth(next.year, next.month);
  const range =
    basis === 'service_month'
      ? sql`c.date_of_service >= ${first}::date and c.date_of_service < ${end}::date`
      : sql`c.paid_at >= (${first}::timestamp at time zone ${BUSINESS_TIME_ZONE})
            and c.paid_at < (${end}::timestamp at time zone ${BUSINESS_TIME_ZONE})`;
  return sql`${range} and ${month} = any(${sql.param(months)}::date[])`;
}

/** Each definition's value as a row: (metric_key, value, dimension sets it is stored under). */
function unpivot(definitions: readonly MetricDefinition[]): SQL {
  return sql`(values ${sql.join(
    definitions.map(
      (d) =>
        sql`(${d.key}::text, ${sql.identifier(d.key)}, ${sql.param(d.dimensions as string[])}::text[])`,
    ),
    sql`, `,
  )}) as m(metric_key, value, dimension_sets)`;
}

/**
 * The by-code rows of the metrics of `basis` stored by explanatory code: a claim counts once
 * under each of its codes, or under \`none\` without one. Apart from the other rows, since
 * unnesting the codes repeats the claim.
 */
function reasonRows(basis: MonthBasis, providerId: string, months: string[]): SQL | null {
  const definitions = METRIC_DEFINITIONS.filter(
    (d) => d.basis === basis && d.dimensions.includes('explanatory_code'),
  );
  if (definitions.length === 0) return null;
  const month = MONTH_OF[basis];
  const states = [...new Set(definitions.flatMap((d) => d.states))];
  return sql`
    select l.month, 'explanatory_code'::text as dimension, l.claim_type,
           null::text as health_service_code, l.explanatory_code, null::text as age_bucket,
           m.metric_key, m.value
    from (
      select ${month} as month, c.claim_type::text as claim_type, e.code as explanatory_code,
             ${sql.join(
               definitions.map((d) => sql`${measureOf(d)} as ${sql.identifier(d.key)}`),
               sql`, `,
             )}
      from claims c
      cross join lateral unnest(case when cardinality(c.explanatory_codes) = 0
                                     then array[${NO_EXPLANATORY_CODE}::text]
                                     else c.explanatory_codes end) as e(code)
      where c.provider_id = ${providerId}
        and ${monthFilter(basis, months)}
        and c.state::text = any(${sql.param(states)}::text[])
      group by 1, 2, 3
    ) l
    cross join lateral ${unpivot(definitions)}`;
}

/** A claim's age bucket on `asOf`: whole days since its Edmonton date of submission. */
function bucketOf(asOf: string): SQL {
  const age = sql`(${asOf}::date - (c.submitted_at at time zone ${BUSINESS_TIME_ZONE})::date)`;
  const limited = OUTSTANDING_BUCKETS.filter((b) => OUTSTANDING_BUCKET_MAX_DAYS[b] !== null);
  const open = OUTSTANDING_BUCKETS.find((b) => OUTSTANDING_BUCKET_MAX_DAYS[b] === null);
  return sql`case ${sql.join(
    limited.map((b) => sql`when ${age} <= ${OUTSTANDING_BUCKET_MAX_DAYS[b]}::int then ${b}::text`),
    sql` `,
  )} else ${open}::text end`;
}

/**
 * The outstanding figures as of `asOf`, by age bucket, for all claims and per claim type. The
 * states are literals, so that the partial index on outstanding claims serves the scan.
 */
function outstandingRows(providerId: string, asOf: string): SQL {
  const definitions = METRIC_DEFINITIONS.filter((d) => d.basis === 'outstanding');
  const states = [...new Set(definitions.flatMap((d) => d.states))];
  return sql`
    select l.month, l.dimension, l.claim_type, null::text as health_service_code,
           null::text as explanatory_code, l.age_bucket, m.metric_key, m.value
    from (
      select ${asOf}::date as month,
             case when grouping(c.claim_type) = 0 then 'claim_type' else 'all' end as dimension,
             c.claim_type::text as claim_type, b.bucket as age_bucket,
             ${sql.join(
               definitions.map((d) => sql`${measureOf(d)} as ${sql.identifier(d.key)}`),
               sql`, `,
             )}
      from claims c
      cross join lateral (select ${bucketOf(asOf)} as bucket) b
      where c.provider_id = ${providerId}
        and c.state in (${sql.raw(states.map((s) => `'${s}'`).join(', '))})
      group by grouping sets ((b.bucket), (b.bucket, c.claim_type))
    ) l
    cross join lateral ${unpivot(definitions)}
    where l.dimension = any(m.dimension_sets)`;
}

/** The metric rows of one month basis, unpivoted: (month, dimension, ..., metric_key, value). */
function basisRows(basis: MonthBasis, providerId: string, months: string[]): SQL {
  const definitions = METRIC_DEFINITIONS.filter((d) => d.basis === basis);
  const byCode = definitions.some((d) => d.dimensions.includes('health_service_code'));
  const month = MONTH_OF[basis];
  const states = [...new Set(definitions.flatMap((d) => d.states))];

  return sql`
    select l.month, l.dimension, l.claim_type, l.health_service_code,
           null::text as explanatory_code, null::text as age_bucket, m.metric_key, m.value
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
          and ${monthFilter(basis, months)}
          and c.state::text = any(${sql.param(states)}::text[])
        group by grouping sets ((${month}), (${month}, c.claim_type)${byCode ? sql`, (${month}, c.claim_type, c.health_service_code)` : sql``})
      ) g
    ) l
    cross join lateral ${unpivot(definitions)}
    where l.dimension = any(m.dimension_sets)`;
}

function measureOf(definition: MetricDefinition): SQL {
  return MEASURE[definition.measure](
    sql`c.state::text = any(${sql.param(definition.states as string[])}::text[])`,
  );
}
