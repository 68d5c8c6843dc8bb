import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Benchmark, median, round, timed } from './harness';

const ROWS = 100_000;

/** The two ways a policy can read the transaction's provider. */
const FORMS = {
  /** Migration 0001 to 0011: a scalar subquery, an InitPlan read once per statement. */
  initplan: `(SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid)`,
  /** Migration 0012: the inlined SQL function, which Citus accepts in a distributed table's policy. */
  fn: 'app_provider_id()',
} as const;
type Form = keyof typeof FORMS;

const table = (form: Form) => `bench_policy_${form}`;

/** 100,000 keys of one provider as one JSON parameter, as bulkUpsert sends them. */
const rowsJson = (pass: number) =>
  JSON.stringify(
    Array.from({ length: ROWS }, (_, i) => ({
      metric_key: 'billed_amount',
      period_start: `${2000 + (i % 24)}-01-01`,
      period_end: `${2000 + (i % 24)}-01-31`,
      dimensions: { health_service_code: `HSC${Math.floor(i / 24)}` },
      value: `${i}.${String(pass % 100).padStart(2, '0')}`,
      source_version: pass,
    })),
  );

/** bulkUpsert's statement, onto a scratch table with the given policy, as meritum_app. */
async function upsert(pool: pg.Pool, form: Form, providerId: string, json: string) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local app.provider_id = '${providerId}'`);
    const result = await client.query(
      `insert into ${table(form)} (id, provider_id, metric_key, period_start, period_end, dimensions, value, source_version, computed_at)
       select gen_random_uuid(), $1::uuid, r.metric_key, r.period_start, r.period_end, r.dimensions,
              r.value, r.source_version, now()
       from jsonb_to_recordset($2::jsonb) as r(metric_key text, period_start date, period_end date,
              dimensions jsonb, value numeric, source_version bigint)
       on conflict (provider_id, metric_key, period_start, period_end, dimensions) do update
         set value = excluded.value, source_version = excluded.source_version,
             computed_at = excluded.computed_at
         where ${table(form)}.source_version <= excluded.source_version`,
      [providerId, json],
    );
    await client.query('commit');
    return result.rowCount;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

export const policyForms: Benchmark = {
  id: 'policy-forms',
  async run(ctx) {
    const rounds = ctx.size === 'large' ? 9 : 5;
    const providerId = randomUUID();
    for (const form of Object.keys(FORMS) as Form[]) {
      const name = table(form);
      const check = `provider_id = ${FORMS[form]}`;
      await ctx.admin.query(`
        create table ${name} (like analytics_cache including all);
        alter table ${name} enable row level security;
        alter table ${name} force row level security;
        create policy own_rows on ${name} using (${check}) with check (${check});
        grant select, insert, update on ${name} to meritum_app;`);
      await upsert(ctx.pool, form, providerId, rowsJson(0));
    }
    const ms: Record<Form, number[]> = { initplan: [], fn: [] };
    for (let pass = 1; pass <= rounds; pass++) {
      const json = rowsJson(pass);
      // Alternating which goes first, so neither always meets the warmer cache.
      const order: Form[] = pass % 2 ? ['initplan', 'fn'] : ['fn', 'initplan'];
      for (const form of order) {
        const run = await timed(() => upsert(ctx.pool, form, providerId, json));
        if (run.result !== ROWS) throw new Error(`${form} upserted ${run.result} rows`);
        ms[form].push(run.ms);
      }
      ctx.log(
        `  round ${pass}/${rounds}: initplan ${Math.round(ms.initplan.at(-1) ?? 0)} ms, function ${Math.round(ms.fn.at(-1) ?? 0)} ms`,
      );
    }
    await ctx.admin.query(`drop table ${table('initplan')}, ${table('fn')}`);

    const rate = (samples: number[]) => round(ROWS / (median(samples) / 1000));
    const figures = (samples: number[]) => ({
      'median ms': round(median(samples)),
      'rows/s': rate(samples),
    });
    return {
      id: this.id,
      title: `Row-level security policy forms on a ${ROWS.toLocaleString('en-CA')}-row upsert`,
      description:
        "bulkUpsert's statement, as meritum_app under forced row-level security, rewriting every " +
        'key of two scratch tables shaped like analytics_cache that differ only in the form of ' +
        'their policy: the scalar subquery (an InitPlan, read once per statement) the migrations ' +
        'used until 0012, and the inlined SQL function app_provider_id() that replaced it because ' +
        `Citus refuses subqueries in a distributed table's policies. Median of ${rounds} alternating rounds.`,
      measurements: [
        { label: 'scalar-subquery policy, InitPlan (baseline)', figures: figures(ms.initplan) },
        { label: 'app_provider_id() policy', figures: figures(ms.fn) },
      ],
      ratio: {
        label: 'app_provider_id() rows/s ÷ InitPlan rows/s',
        value: round(rate(ms.fn) / rate(ms.initplan), 2),
        goal: 0.9,
      },
      notes: [],
    };
  },
};
