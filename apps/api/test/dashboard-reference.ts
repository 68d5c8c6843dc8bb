import type pg from 'pg';

/**
 * The dashboard's figures for one provider and date range, computed straight from the claims in
 * one SQL statement written from docs/metrics.md: it shares nothing with the calculator, the
 * cache or the dashboard service, so that a route test can hold them against each other.
 */
export async function dashboardFromClaims(
  admin: pg.Pool,
  providerId: string,
  range: { start: string; end: string },
  claimType?: string,
) {
  const { rows } = await admin.query<Record<string, string | number | null>>(
    `with c as (
       select state, date_of_service, fee_submitted, fee_assessed,
              (paid_at at time zone 'America/Edmonton')::date as paid_on,
              (submitted_at at time zone 'America/Edmonton')::date as submitted_on
       from claims
       where provider_id = $1 and ($4::text is null or claim_type::text = $4)
     ),
     served as (select * from c where state <> 'draft' and date_of_service between $2 and $3),
     paid as (select * from c where state in ('paid', 'adjusted') and paid_on between $2 and $3)
     select
       (select count(*)::int from served) as "claimsCount",
       (select coalesce(sum(fee_submitted), 0)::numeric(16, 2)::text from served) as "billedAmount",
       (select coalesce(sum(fee_assessed), 0)::numeric(16, 2)::text from paid) as "paidAmount",
       (select count(*)::int from paid) as "paidCount",
       (select count(*)::int from served where state in ('rejected', 'written_off')) as "rejectedCount",
       (select count(*)::int from served where state <> 'submitted') as "assessedCount",
       (select coalesce(sum(fee_submitted) filter (where state = 'submitted'), 0)::numeric(16, 2)::text
          from served) as "pendingAmount",
       (select round(count(*) filter (where state in ('rejected', 'written_off'))::numeric
                     / nullif(count(*) filter (where state <> 'submitted'), 0), 4)::text
          from served) as "rejectionRate",
       (select round(sum(paid_on - submitted_on)::numeric / nullif(count(*), 0), 4)::text
          from paid) as "avgDaysToPayment"`,
    [providerId, range.start, range.end, claimType ?? null],
  );
  return rows[0];
}

/** The ten codes billed most in the range (by amount, then code), straight from the claims. */
export async function topCodesFromClaims(
  admin: pg.Pool,
  providerId: string,
  range: { start: string; end: string },
  claimType?: string,
) {
  const { rows } = await admin.query(
    `select health_service_code as "healthServiceCode", count(*)::int as "claimsCount",
            sum(fee_submitted)::numeric(16, 2)::text as "billedAmount"
     from claims
     where provider_id = $1 and state <> 'draft' and date_of_service between $2 and $3
       and ($4::text is null or claim_type::text = $4)
     group by health_service_code
     order by sum(fee_submitted) desc, health_service_code collate "C"
     limit 10`,
    [providerId, range.start, range.end, claimType ?? null],
  );
  return rows;
}

/** The periods the design names, resolved in SQL from the database's clock in Edmonton. */
export async function periodsFromDatabase(admin: pg.Pool) {
  const { rows } = await admin.query<Record<string, string>>(
    `with t as (select date_trunc('month', (now() at time zone 'America/Edmonton')::date)::date as m)
     select m::text as this_month_start,
            (m + interval '1 month - 1 day')::date::text as this_month_end,
            (m - interval '1 month')::date::text as last_month_start,
            (m - interval '1 day')::date::text as last_month_end,
            date_trunc('quarter', m)::date::text as quarter_start,
            (date_trunc('quarter', m) + interval '3 months - 1 day')::date::text as quarter_end,
            date_trunc('year', m)::date::text as year_start,
            (m - interval '11 months')::date::text as twelve_start,
            (m - interval '23 months')::date::text as window_start,
            (now() at time zone 'America/Edmonton')::date::text as today
     from t`,
  );
  const p = (column: string): string => {
    const value = rows[0]?.[column];
    if (!value) throw new Error(`no ${column}`);
    return value;
  };
  const thisMonthEnd = p('this_month_end');
  return {
    this_month: { start: p('this_month_start'), end: thisMonthEnd },
    last_month: { start: p('last_month_start'), end: p('last_month_end') },
    this_quarter: { start: p('quarter_start'), end: p('quarter_end') },
    year_to_date: { start: p('year_start'), end: thisMonthEnd },
    last_12_months: { start: p('twelve_start'), end: thisMonthEnd },
    /** The first month of the cache's 24-month window. */
    windowStart: p('window_start'),
    /** Today in Edmonton. */
    today: p('today'),
  };
}

/** Refused claims of the range by explanatory code (each of its codes, or none), straight from the claims. */
export async function refusalsFromClaims(
  admin: pg.Pool,
  providerId: string,
  range: { start: string; end: string },
  claimType?: string,
) {
  const { rows } = await admin.query<{ code: string; count: number; amount: string }>(
    `select e.code, count(*)::int as count, sum(c.fee_submitted)::numeric(16, 2)::text as amount
     from claims c
     cross join lateral unnest(case when cardinality(c.explanatory_codes) = 0 then array['none']
                                    else c.explanatory_codes end) as e(code)
     where c.provider_id = $1 and c.state in ('rejected', 'written_off')
       and c.date_of_service between $2 and $3 and ($4::text is null or c.claim_type::text = $4)
     group by e.code
     order by sum(c.fee_submitted) desc, e.code collate "C"`,
    [providerId, range.start, range.end, claimType ?? null],
  );
  return rows;
}

/** Submitted minus assessed of claims adjusted and paid in the range, by code, straight from the claims. */
export async function adjustmentsFromClaims(
  admin: pg.Pool,
  providerId: string,
  range: { start: string; end: string },
  claimType?: string,
) {
  const { rows } = await admin.query<{ code: string; lost: string }>(
    `select e.code, sum(c.fee_submitted - c.fee_assessed)::numeric(16, 2)::text as lost
     from claims c
     cross join lateral unnest(case when cardinality(c.explanatory_codes) = 0 then array['none']
                                    else c.explanatory_codes end) as e(code)
     where c.provider_id = $1 and c.state = 'adjusted'
       and (c.paid_at at time zone 'America/Edmonton')::date between $2 and $3
       and ($4::text is null or c.claim_type::text = $4)
     group by e.code
     order by sum(c.fee_submitted - c.fee_assessed) desc, e.code collate "C"`,
    [providerId, range.start, range.end, claimType ?? null],
  );
  return rows;
}

/**
 * Outstanding claims (submitted, or rejected and not written off) as of today in Edmonton by
 * the database's clock, by whole days since the Edmonton date of submission, straight from the
 * claims: every bucket, zeros included.
 */
export async function outstandingFromClaims(
  admin: pg.Pool,
  providerId: string,
  claimType?: string,
) {
  const { rows } = await admin.query<{ bucket: string; count: number; amount: string }>(
    `with aged as (
       select c.fee_submitted,
              (now() at time zone 'America/Edmonton')::date
                - (c.submitted_at at time zone 'America/Edmonton')::date as age
       from claims c
       where c.provider_id = $1 and c.state in ('submitted', 'rejected')
         and ($2::text is null or c.claim_type::text = $2)
     )
     select b.bucket, count(a.age)::int as count,
            coalesce(sum(a.fee_submitted), 0)::numeric(16, 2)::text as amount
     from (values (1, '0-30', -100000, 30), (2, '31-60', 31, 60), (3, '61-90', 61, 90),
                  (4, '90+', 91, 100000)) as b(n, bucket, low, high)
     left join aged a on a.age between b.low and b.high
     group by b.n, b.bucket
     order by b.n`,
    [providerId, claimType ?? null],
  );
  return rows;
}
