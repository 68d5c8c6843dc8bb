import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client';

/**
 * Realistic synthetic claims for demo data and benchmarks: Alberta-looking fee codes with
 * fees near the Schedule of Medical Benefits', AHCIP paid on a two-to-five-week cycle, WCB
 * slower, about one claim in ten refused. Deterministic for a seed: PostgreSQL's setseed() and
 * random() on the caller's connection.
 */

interface FeeCode {
  code: string;
  fee: string;
  /** How often it is billed, relative to the others of its claim type. */
  weight: number;
}

const AHCIP_CODES: FeeCode[] = [
  { code: '03.03A', fee: '41.72', weight: 40 }, // limited assessment
  { code: '03.04A', fee: '89.64', weight: 10 }, // comprehensive assessment
  { code: '03.03F', fee: '27.89', weight: 8 }, // virtual follow-up
  { code: '03.05A', fee: '22.95', weight: 6 }, // visit, second patient
  { code: '03.07B', fee: '61.20', weight: 5 }, // repeat consultation
  { code: '03.08A', fee: '152.46', weight: 4 }, // comprehensive consultation
  { code: '08.19A', fee: '45.30', weight: 6 }, // counselling, per 15 minutes
  { code: '13.99J', fee: '18.75', weight: 3 }, // injection
];
const WCB_CODES: FeeCode[] = [
  { code: 'C568', fee: '95.40', weight: 5 }, // physician's first report
  { code: 'C570', fee: '48.25', weight: 8 }, // progress report
  { code: 'C571', fee: '63.10', weight: 2 }, // consultation report
  { code: 'C573', fee: '31.55', weight: 3 }, // return-to-work form
];

/**
 * Explanatory codes of refusals and adjustments, as sets an assessment gives. AHCIP's come from
 * the project's table of descriptions (registration, business arrangement, WCB responsibility);
 * WCB's are its own, which the project does not describe, so they show as themselves.
 */
const AHCIP_REFUSALS = ['{05}', '{01A}', '{31}', '{37}', '{05A}', '{11}', '{21}', '{05,31}'];
const AHCIP_ADJUSTMENTS = ['{21}'];
const WCB_REFUSALS = ['{WR12}', '{WR30}', '{WR12,WR40}'];
const WCB_ADJUSTMENTS = ['{WA05}', '{WA18}'];

/** One entry per weight unit, so a uniform pick is a weighted pick. */
function weighted(codes: FeeCode[]) {
  const picks = codes.flatMap((c) => Array.from({ length: c.weight }, () => c));
  return { codes: picks.map((c) => c.code), fees: picks.map((c) => c.fee) };
}
const AHCIP = weighted(AHCIP_CODES);
const WCB = weighted(WCB_CODES);

export interface SyntheticClaimsOptions {
  count: number;
  /** The last date of service (an Alberta date); claims spread over the 730 days before it. */
  until: string;
  /** Seeds random() first; without it, the connection's random sequence continues. */
  seed?: number;
}

/**
 * Inserts `count` claims of one provider in one statement, so the claims triggers record the
 * data version and dirty months as in production. Under row-level security the caller has set
 * app.provider_id for the transaction.
 */
export async function insertSyntheticClaims(
  tx: Database,
  providerId: string,
  options: SyntheticClaimsOptions,
): Promise<void> {
  if (options.seed !== undefined) {
    await tx.execute(sql`select setseed(${seedFraction(options.seed)})`);
  }
  await tx.execute(insertClaims(providerId, options.count, options.until));
}

/** setseed() takes a number in [-1, 1]. */
const seedFraction = (seed: number) => (Math.abs(seed) % 10_000) / 10_000;

// Outcomes: 80% paid, 9% adjusted (paid 85%), 8% rejected, 3% written off; a refusal older
// than 120 days has been written off. A claim is still a draft until it is submitted (0-3 days
// after the visit) and still submitted until assessed (AHCIP in 2-5 weeks, WCB in 3-9, and one
// claim in fifty held for 2-4 months): an outstanding tail. Both happen only before `until`, so
// with `until` today no timestamp lies in the future.
const insertClaims = (providerId: string, count: number, until: string) => {
  const [ahcipCodes, ahcipFees] = [sql.param(AHCIP.codes), sql.param(AHCIP.fees)];
  const [wcbCodes, wcbFees] = [sql.param(WCB.codes), sql.param(WCB.fees)];
  const reasons = (ahcip: string[], wcb: string[]) =>
    sql`(case when c.claim_type = 'AHCIP' then ${sql.param(ahcip)}::text[]
              else ${sql.param(wcb)}::text[] end)`;
  const pick = (list: SQL) =>
    sql`(${list})[1 + floor(c.r_reason * cardinality(${list}))::int]::text[]`;
  return sql`
  insert into claims (provider_id, claim_type, health_service_code, date_of_service, fee_submitted,
                      fee_assessed, state, submitted_at, assessed_at, paid_at, explanatory_codes)
  select ${providerId}, c.claim_type::claim_type, c.code, c.dos, c.fee,
         case c.st when 'paid' then c.fee when 'adjusted' then round(c.fee * 0.85, 2) end,
         c.st::claim_state,
         case when c.st <> 'draft' then c.submitted_at end,
         case when c.st in ('paid', 'adjusted', 'rejected', 'written_off') then c.assessed_at end,
         case when c.st in ('paid', 'adjusted') then c.assessed_at end,
         case when c.st in ('rejected', 'written_off') then ${pick(reasons(AHCIP_REFUSALS, WCB_REFUSALS))}
              when c.st = 'adjusted' then ${pick(reasons(AHCIP_ADJUSTMENTS, WCB_ADJUSTMENTS))}
              else '{}'::text[] end
  from (
    select t.claim_type, t.code, t.dos, t.fee, t.r_reason,
           (t.dos + t.submit_lag)::timestamp at time zone 'America/Edmonton' + interval '19 hours' as submitted_at,
           (t.dos + t.submit_lag + t.delay)::timestamp at time zone 'America/Edmonton' + interval '10 hours' as assessed_at,
           case when t.dos + t.submit_lag >= ${until}::date then 'draft'
                when t.dos + t.submit_lag + t.delay >= ${until}::date then 'submitted'
                when t.outcome = 'rejected' and t.dos + t.submit_lag + t.delay < ${until}::date - 120
                  then 'written_off'
                else t.outcome end as st
    from (
      select s.claim_type, s.dos, s.submit_lag, s.outcome, s.r_reason,
             (case when s.claim_type = 'AHCIP' then ${ahcipCodes}::text[] else ${wcbCodes}::text[] end)[s.pick] as code,
             round((case when s.claim_type = 'AHCIP' then ${ahcipFees}::numeric[] else ${wcbFees}::numeric[] end)[s.pick]
                   * s.premium, 2) as fee,
             case when s.r_delay >= 0.98 then 60 + floor((s.r_delay - 0.98) * 3000)::int
                  when s.claim_type = 'AHCIP' then 14 + floor(s.r_delay * 22)::int
                  else 21 + floor(s.r_delay * 40)::int end as delay
      from (
        select r.claim_type, r.dos, r.submit_lag, r.r_delay, r.premium,
               r.r_outcome * 1000 - floor(r.r_outcome * 1000) as r_reason,
               case when r.r_outcome < 0.80 then 'paid' when r.r_outcome < 0.89 then 'adjusted'
                    when r.r_outcome < 0.97 then 'rejected' else 'written_off' end as outcome,
               1 + floor(r.r_code * case when r.claim_type = 'AHCIP' then cardinality(${ahcipCodes}::text[])
                                         else cardinality(${wcbCodes}::text[]) end)::int as pick
        from (
          select case when random() < 0.85 then 'AHCIP' else 'WCB' end as claim_type,
                 (${until}::date - 729 + floor(random() * 730)::int) as dos,
                 floor(random() * 4)::int as submit_lag,
                 random() as r_code,
                 random() as r_delay,
                 case when random() < 0.12 then 1.35 else 1 end as premium,
                 random() as r_outcome
          from generate_series(1, ${count})
        ) r
      ) s
    ) t
  ) c
  -- Never a conflict (every id is new). On Citus it makes the insert go to the shards as an
  -- INSERT, which row-level security allows; a plain INSERT ... SELECT goes as a COPY, which it
  -- does not.
  on conflict do nothing`;
};
