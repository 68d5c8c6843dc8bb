import type pg from 'pg';

/** Alberta-looking fee codes: AHCIP health service codes, and WCB codes. */
const AHCIP_CODES = [
  '03.03A',
  '03.04A',
  '03.05A',
  '03.07B',
  '03.08A',
  '08.19A',
  '13.99J',
  '03.03F',
];
const WCB_CODES = ['W100', 'W200', 'W301', 'W402'];

export interface SyntheticClaimsOptions {
  providers: number;
  claimsPerProvider: number;
  /** The last date of service; claims spread over the 24 months before it. */
  until: string;
  seed: number;
}

/**
 * Inserts providers and their claims straight in SQL, deterministic for a seed (setseed +
 * random() on one connection): every state represented, realistic fees and payment delays.
 * Claims go in one statement per provider, so the claims triggers record versions and dirty
 * months as in production. Returns the provider ids.
 */
export async function seedSyntheticClaims(
  admin: pg.Pool,
  options: SyntheticClaimsOptions,
): Promise<string[]> {
  const client = await admin.connect();
  const ids: string[] = [];
  try {
    await client.query('select setseed($1)', [(options.seed % 1000) / 1000]);
    for (let i = 0; i < options.providers; i++) {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into providers (name, billing_number) values ($1, $2) returning id`,
        [`Dr. Synthetic ${i}`, `SYN-${options.seed}-${i}-${Date.now()}`],
      );
      const id = rows[0]?.id as string;
      await client.query(`select set_config('app.provider_id', $1, true)`, [id]);
      await client.query(INSERT_CLAIMS, [
        id,
        options.claimsPerProvider,
        options.until,
        AHCIP_CODES,
        WCB_CODES,
      ]);
      await client.query('commit');
      ids.push(id);
    }
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
  return ids;
}

// Delays of 7-46 days; claims whose payment would fall after `until` stay submitted.
const INSERT_CLAIMS = `
  insert into claims (provider_id, claim_type, health_service_code, date_of_service, fee_submitted,
                      fee_assessed, state, submitted_at, assessed_at, paid_at)
  select $1, t.claim_type::claim_type, t.code, t.dos, t.fee,
         case t.st when 'paid' then t.fee when 'adjusted' then round(t.fee * 0.85, 2) end,
         t.st::claim_state,
         case when t.st <> 'draft' then (t.dos + 1)::timestamp at time zone 'America/Edmonton' + interval '9 hours' end,
         case when t.st in ('paid', 'adjusted', 'rejected', 'written_off')
              then (t.dos + 1 + t.delay)::timestamp at time zone 'America/Edmonton' + interval '15 hours' end,
         case when t.st in ('paid', 'adjusted')
              then (t.dos + 1 + t.delay)::timestamp at time zone 'America/Edmonton' + interval '15 hours' end
  from (
    select s.claim_type, s.dos, s.fee, s.delay,
           (case when s.claim_type = 'AHCIP' then $4::text[] else $5::text[] end)
             [1 + floor(s.r_code * case when s.claim_type = 'AHCIP' then array_length($4::text[], 1) else array_length($5::text[], 1) end)::int] as code,
           case when s.dos + 1 + s.delay > $3::date and s.st not in ('draft') then 'submitted' else s.st end as st
    from (
      select case when random() < 0.82 then 'AHCIP' else 'WCB' end as claim_type,
             ($3::date - 730 + floor(random() * 730)::int) as dos,
             round((18 + random() * 240)::numeric, 2) as fee,
             (7 + floor(random() * 40))::int as delay,
             random() as r_code,
             (array['draft', 'submitted', 'paid', 'paid', 'paid', 'paid', 'paid', 'adjusted', 'rejected', 'written_off'])
               [1 + floor(random() * 10)::int] as st
      from generate_series(1, $2)
    ) s
  ) t`;
