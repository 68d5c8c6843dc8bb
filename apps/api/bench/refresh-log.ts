import type pg from 'pg';

/**
 * A log of analytics refreshes kept by the database, for benchmarks that run the API in other
 * processes: triggers added by the benchmark (as the owner, never in the migrations) note, per
 * transaction, when a refresh starts writing the cache (before its first INSERT into
 * analytics_cache) and when it records itself in analytics_refresh_state, with the connection's
 * application_name. Both happen while the refresh holds its advisory lock, so two refreshes of
 * one provider whose logged intervals overlap would have held it at once.
 */
export async function installRefreshLog(admin: pg.Pool): Promise<void> {
  await admin.query(`
    create table bench_refresh_log (
      id bigserial primary key,
      xid bigint not null default txid_current(),
      provider_id uuid,
      instance text not null default current_setting('application_name'),
      event text not null,
      at timestamptz not null default clock_timestamp()
    );
    create function bench_refresh_started() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      insert into bench_refresh_log (event) values ('start');
      return null;
    end $$;
    create function bench_refresh_recorded() returns trigger
    language plpgsql security definer set search_path = public as $$
    begin
      insert into bench_refresh_log (provider_id, event) values (new.provider_id, 'end');
      return null;
    end $$;
    create trigger bench_refresh_started before insert on analytics_cache
      for each statement execute function bench_refresh_started();
    create trigger bench_refresh_recorded after insert or update on analytics_refresh_state
      for each row execute function bench_refresh_recorded();`);
}

/** The log's position now: summaries count what comes after it. */
export async function refreshLogMark(admin: pg.Pool): Promise<number> {
  const { rows } = await admin.query<{ id: number }>(
    'select coalesce(max(id), 0)::int as id from bench_refresh_log',
  );
  return rows[0]?.id ?? 0;
}

export interface RefreshLogSummary {
  /** Refreshes that finished (recorded themselves), of these providers, after the mark. */
  total: number;
  /** By the instance's application_name, without the `meritum-bench-` prefix. */
  byInstance: Record<string, number>;
  /** Pairs of refreshes of one provider whose intervals overlap: 0 when single-flight held. */
  overlaps: number;
  /** Times a provider's next refresh ran on another instance than its previous one. */
  handovers: number;
}

export async function summariseRefreshLog(
  admin: pg.Pool,
  providers: string[],
  mark: number,
): Promise<RefreshLogSummary> {
  const { rows } = await admin.query<{
    by_instance: Record<string, number>;
    overlaps: number;
    handovers: number;
  }>(
    `with refreshes as (
       select xid, max(provider_id::text)::uuid as provider_id, min(instance) as instance,
              coalesce(min(at) filter (where event = 'start'), max(at)) as started,
              max(at) filter (where event = 'end') as ended
       from bench_refresh_log
       where id > $2
       group by xid
       having count(*) filter (where event = 'end') > 0
     ),
     x as (select * from refreshes where provider_id = any($1::uuid[])),
     ordered as (
       select instance, lag(instance) over (partition by provider_id order by ended) as previous
       from x
     )
     select (select coalesce(json_object_agg(instance, n), '{}')
               from (select instance, count(*)::int as n from x group by instance) c) as by_instance,
            (select count(*)::int from x a join x b
               on a.provider_id = b.provider_id and a.xid < b.xid
              and a.started < b.ended and b.started < a.ended) as overlaps,
            (select count(*)::int from ordered where previous <> instance) as handovers`,
    [providers, mark],
  );
  const row = rows[0];
  const byInstance: Record<string, number> = {};
  for (const [instance, n] of Object.entries(row?.by_instance ?? {}))
    byInstance[instance.replace(/^meritum-bench-/, '')] = n;
  return {
    total: Object.values(byInstance).reduce((total, n) => total + n, 0),
    byInstance,
    overlaps: row?.overlaps ?? 0,
    handovers: row?.handovers ?? 0,
  };
}
