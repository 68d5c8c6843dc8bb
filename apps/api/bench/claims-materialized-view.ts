import { BUSINESS_TIME_ZONE } from '@meritum/shared';
import type pg from 'pg';
import { ownerQuery } from '../test/factories';

/**
 * The alternative to the cache that PostgreSQL offers out of the box: one materialized view of
 * every provider's monthly metrics over all claims, kept current by
 * `REFRESH MATERIALIZED VIEW CONCURRENTLY`. It holds the figures the calculator stores
 * (docs/metrics.md), one row per (provider, month basis, month, dimensions) with a column per
 * metric, rather than a row per metric: fewer rows, so the fastest form of the baseline.
 * Created by the benchmark as the owner; never part of the migrations.
 */
export const VIEW = 'bench_claims_monthly';

const PAID_ON = `(paid_at at time zone '${BUSINESS_TIME_ZONE}')::date`;
const SUBMITTED_ON = `(submitted_at at time zone '${BUSINESS_TIME_ZONE}')::date`;
const DIMENSION = `case when grouping(claim_type) = 1 then 'all'
                        when grouping(health_service_code) = 1 then 'claim_type'
                        else 'health_service_code' end`;

// Keys are never NULL ('' when rolled up): REFRESH ... CONCURRENTLY matches old and new rows on
// the unique index, and NULLs never match.
const VIEW_SQL = `
  create materialized view ${VIEW} as
  select provider_id, 'service_month'::text as basis,
         date_trunc('month', date_of_service)::date as month, ${DIMENSION} as dimension,
         coalesce(claim_type::text, '') as claim_type, coalesce(health_service_code, '') as health_service_code,
         count(*) as claims_count,
         sum(fee_submitted) as billed_amount,
         count(*) filter (where state in ('rejected', 'written_off')) as rejected_count,
         count(*) filter (where state in ('paid', 'adjusted', 'rejected', 'written_off')) as assessed_count,
         coalesce(sum(fee_submitted) filter (where state = 'submitted'), 0) as pending_amount,
         null::bigint as paid_count, null::numeric as paid_amount, null::bigint as days_to_payment_sum
  from claims
  where state <> 'draft'
  group by grouping sets ((provider_id, date_trunc('month', date_of_service)),
                          (provider_id, date_trunc('month', date_of_service), claim_type),
                          (provider_id, date_trunc('month', date_of_service), claim_type, health_service_code))
  union all
  select provider_id, 'payment_month', date_trunc('month', ${PAID_ON})::date,
         case when grouping(claim_type) = 1 then 'all' else 'claim_type' end,
         coalesce(claim_type::text, ''), '',
         null, null, null, null, null,
         count(*), sum(fee_assessed), sum(${PAID_ON} - ${SUBMITTED_ON})
  from claims
  where state in ('paid', 'adjusted')
  group by grouping sets ((provider_id, date_trunc('month', ${PAID_ON})),
                          (provider_id, date_trunc('month', ${PAID_ON}), claim_type))`;

/** Builds the view and the unique index CONCURRENTLY requires; returns its size in rows. */
export async function createView(admin: pg.Pool): Promise<number> {
  await admin.query(`drop materialized view if exists ${VIEW}`);
  await admin.query(VIEW_SQL);
  await admin.query(
    `create unique index ${VIEW}_key on ${VIEW} (provider_id, basis, month, dimension, claim_type, health_service_code)`,
  );
  await admin.query(`analyze ${VIEW}`);
  const rows = await viewRows(admin);
  // Claims are under forced row-level security: only a superuser or BYPASSRLS owner sees them all.
  if (rows === 0) throw new Error('the view is empty: the owner must bypass row-level security');
  return rows;
}

export async function viewRows(admin: pg.Pool): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(`select count(*)::int as n from ${VIEW}`);
  return (rows[0] as { n: number } | undefined)?.n ?? 0;
}

export async function refreshConcurrently(admin: pg.Pool): Promise<void> {
  await admin.query(`refresh materialized view concurrently ${VIEW}`);
}

/** What a dashboard on the view would show: one provider's payments of one month. */
export async function viewPaidCount(
  admin: pg.Pool,
  providerId: string,
  month: string,
): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `select coalesce(sum(paid_count), 0)::int as n from ${VIEW}
      where provider_id = $1 and basis = 'payment_month' and dimension = 'all' and month = $2`,
    [providerId, month],
  );
  return (rows[0] as { n: number } | undefined)?.n ?? 0;
}

/** The same count straight from the claims: what the view must show once refreshed. */
export async function paidThisMonth(
  admin: pg.Pool,
  providerId: string,
  month: string,
): Promise<number> {
  // Scoped to the provider: claims are under forced row-level security, which an owner who
  // is not superuser does not bypass.
  const { rows } = await ownerQuery(
    admin,
    providerId,
    `select count(*)::int as n from claims
      where provider_id = $1 and state in ('paid', 'adjusted')
        and date_trunc('month', ${PAID_ON})::date = $2::date`,
    [providerId, month],
  );
  return (rows[0] as { n: number } | undefined)?.n ?? 0;
}

/**
 * Holds one provider's figures in the view against its cache rows over [first, last] months:
 * every stored metric value, by (metric, month, dimensions), compared as numbers. Rows on one
 * side only count as mismatches.
 */
export async function compareWithCache(
  admin: pg.Pool,
  providerId: string,
  firstMonth: string,
  lastMonth: string,
): Promise<{ compared: number; mismatches: number }> {
  const { rows } = await ownerQuery(
    admin,
    providerId,
    `with v as (
         select m.month as period_start,
                case m.dimension when 'all' then '{}'::jsonb
                  when 'claim_type' then jsonb_build_object('claim_type', m.claim_type)
                  else jsonb_build_object('claim_type', m.claim_type,
                                          'health_service_code', m.health_service_code) end as dimensions,
                k.metric_key, k.value
         from ${VIEW} m
         cross join lateral (values ('claims_count', m.claims_count::numeric),
                                    ('billed_amount', m.billed_amount),
                                    ('rejected_count', m.rejected_count::numeric),
                                    ('assessed_count', m.assessed_count::numeric),
                                    ('pending_amount', m.pending_amount),
                                    ('paid_count', m.paid_count::numeric),
                                    ('paid_amount', m.paid_amount),
                                    ('days_to_payment_sum', m.days_to_payment_sum::numeric)) k(metric_key, value)
         where m.provider_id = $1 and m.month between $2::date and $3::date
           and k.value is not null
           and (m.dimension <> 'health_service_code' or k.metric_key in ('claims_count', 'billed_amount'))
       ),
       c as (
         select period_start, dimensions, metric_key, value
         from analytics_cache
         where provider_id = $1 and period_start between $2::date and $3::date
       )
       select count(*)::int as compared,
              count(*) filter (where v.value is distinct from c.value)::int as mismatches
       from v full join c using (period_start, dimensions, metric_key)`,
    [providerId, firstMonth, lastMonth],
  );
  return (
    (rows[0] as { compared: number; mismatches: number } | undefined) ?? {
      compared: 0,
      mismatches: 0,
    }
  );
}
