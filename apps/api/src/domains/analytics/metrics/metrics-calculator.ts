import {
  addMonths,
  BUSINESS_TIME_ZONE,
  firstOfMonth,
  lastOfMonth,
  type NewAnalyticsCacheEntry,
  parseDate,
} from '@meritum/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';
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
  entries: NewAnalyticsCacheEntry[];
}

type MetricRow = {
  source_version: string;
  month: string;
  dimension: DimensionSet;
  claim_type: string | null;
  health_service_code: string | null;
  metric_key: NewAnalyticsCacheEntry['metricKey'];
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
 * Computes the v1 metrics of one provider for a set of months from its claims, set-based:
 * one statement per basis, every dimension set at once (GROUPING SETS), the data version read
 * in the same statement so that it matches the claims seen.
 */
export class MetricsCalculator {
  constructor(private readonly db: Database) {}

  async compute(providerId: string, months: readonly string[]): Promise<ComputedMetrics> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const monthList = [...new Set(months)].sort();
      const rows: MetricRow[] = [];
      let sourceVersion: string | undefined;
      for (const basis of ['service_month', 'payment_month'] as const) {
        const result = await tx.execute<MetricRow>(basisQuery(basis, providerId, monthList));
        rows.push(...result.rows);
        sourceVersion ??= result.rows[0]?.source_version;
      }
      sourceVersion ??= await currentVersion(tx, providerId);
      return { sourceVersion, entries: rows.map((row) => toEntry(providerId, sourceVersion, row)) };
    });
  }
}

async function currentVersion(tx: Database, providerId: string): Promise<string> {
  const { rows } = await tx.execute<{ version: string }>(sql`
    select coalesce((select version from provider_data_versions where provider_id = ${providerId}), 0)::text as version`);
  return rows[0]?.version ?? '0';
}

/** Code-level rows carry their claim type too, so that the AHCIP/WCB filter applies to them. */
const DIMENSIONS_OF: Record<DimensionSet, (row: MetricRow) => Record<string, string>> = {
  all: () => ({}),
  claim_type: (row) => ({ claim_type: row.claim_type ?? '' }),
  health_service_code: (row) => ({
    claim_type: row.claim_type ?? '',
    health_service_code: row.health_service_code ?? '',
  }),
};

function toEntry(
  providerId: string,
  sourceVersion: string,
  row: MetricRow,
): NewAnalyticsCacheEntry {
  const { year, month } = parseDate(row.month);
  return {
    providerId,
    metricKey: row.metric_key,
    periodStart: firstOfMonth(year, month),
    periodEnd: lastOfMonth(year, month),
    dimensions: DIMENSIONS_OF[row.dimension](row),
    value: row.value,
    sourceVersion,
  };
}

function basisQuery(basis: MetricBasis, providerId: string, months: string[]): SQL {
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
    with version as (
      select coalesce((select version from provider_data_versions where provider_id = ${providerId}), 0)::text as v
    ),
    grouped as (
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
    ),
    labelled as (
      select g.*,
             case when g.code_rolled_up = 0 then 'health_service_code'
                  when g.type_rolled_up = 0 then 'claim_type'
                  else 'all' end as dimension
      from grouped g
    )
    select version.v as source_version, l.month::text as month, l.dimension,
           l.claim_type, l.health_service_code,
           m.metric_key, m.value
    from labelled l
    cross join version
    cross join lateral (values ${sql.join(
      definitions.map(
        (d) =>
          sql`(${d.key}::text, ${sql.identifier(d.key)}, ${sql.param(d.dimensions as string[])}::text[])`,
      ),
      sql`, `,
    )}) as m(metric_key, value, dimension_sets)
    where l.dimension = any(m.dimension_sets)
    order by 2, 3, 4, 5, 6`;
}

function measureOf(definition: MetricDefinition): SQL {
  return MEASURE[definition.measure](
    sql`c.state::text = any(${sql.param(definition.states as string[])}::text[])`,
  );
}
