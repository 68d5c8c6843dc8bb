import { analyticsDashboardFigures } from '@meritum/shared';
import { sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';
import { FIGURES_LOCK_NAMESPACE } from './refresh-lock';

/** A dashboard's period and claim type ('all' for every type): what its figures cover. */
export type FiguresSpan = {
  start: string;
  end: string;
  claimType: string;
};

/** Figures as assembled from refresh `refreshCount`, in `format`, last read on `readOn`. */
export type KeptFigures = {
  format: number;
  refreshCount: number;
  figures: object;
  readOn: string;
};

const t = analyticsDashboardFigures;

/**
 * A span kept already takes the new figures unless it holds a later refresh's, or the same
 * refresh's in a later format (two releases side by side never replace each other's), and
 * keeps the later day it was read.
 */
const keepingTheLatest = sql`
  on conflict (provider_id, period_start, period_end, claim_type) do update
     set format = excluded.format, refresh_count = excluded.refresh_count,
         figures = excluded.figures, read_on = greatest(${t.readOn}, excluded.read_on)
   where (${t.refreshCount}, ${t.format}) <= (excluded.refresh_count, excluded.format)`;

/**
 * The dashboard figures assembled from the scope's provider's cache (the lookup itself travels
 * with the freshness, in DashboardRepo.read). Every statement filters on its provider_id;
 * row-level security holds it to the same one.
 */
export class DashboardFiguresRepo {
  constructor(private readonly tx: ProviderTx) {}

  /**
   * Waits for, then holds until the transaction ends, the provider's lock on assembling its
   * kept figures (FIGURES_LOCK_NAMESPACE).
   */
  async lockAssembly(): Promise<void> {
    await this.tx.db.execute(
      sql`select pg_advisory_xact_lock(${FIGURES_LOCK_NAMESPACE}, hashtext(${this.tx.providerId}))`,
    );
  }

  /** Notes that a read asked for the span's kept figures on `day` (a later day than noted). */
  async noteRead(span: FiguresSpan, day: string): Promise<void> {
    await this.tx.db.execute(sql`
      update ${t} set read_on = ${day}
       where provider_id = ${this.tx.providerId} and period_start = ${span.start}
         and period_end = ${span.end} and claim_type = ${span.claimType} and read_on < ${day}`);
  }

  /**
   * Keeps the span's figures as assembled from refresh `refreshCount`, unless figures of a later
   * refresh, or of the same refresh in a later format, are kept already (so two releases side by
   * side do not keep replacing each other's). A span not kept yet is added only while the
   * provider has fewer than `maxSpans`: custom periods do not pile up between refreshes.
   */
  async keep(span: FiguresSpan, kept: KeptFigures, maxSpans: number): Promise<void> {
    const { providerId } = this.tx;
    await this.tx.db.execute(sql`
      insert into ${t} (provider_id, period_start, period_end, claim_type, format, refresh_count,
                        figures, read_on)
      select ${providerId}, ${span.start}, ${span.end}, ${span.claimType}, ${kept.format},
             ${kept.refreshCount}, ${JSON.stringify(kept.figures)}::json, ${kept.readOn}
       where (select count(*) from ${t} where provider_id = ${providerId}) < ${maxSpans}
          or exists (select 1 from ${t}
                      where provider_id = ${providerId} and period_start = ${span.start}
                        and period_end = ${span.end} and claim_type = ${span.claimType})
      ${keepingTheLatest}`);
  }

  /**
   * Keeps each span's figures as keep() does, in one statement, with no limit on the spans: for
   * a caller that chose them (a refresh or a sign-in, under lockAssembly). Keys in order, the
   * last of a key's figures kept.
   */
  async keepAll(kept: ReadonlyArray<KeptFigures & { span: FiguresSpan }>): Promise<void> {
    const byKey = new Map(
      kept.map((k) => [`${k.span.start} ${k.span.end} ${k.span.claimType}`, k]),
    );
    if (byKey.size === 0) return;
    const ordered = [...byKey].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, k]) => k);
    const records = ordered.map(({ span, format, refreshCount, figures, readOn }) => ({
      period_start: span.start,
      period_end: span.end,
      claim_type: span.claimType,
      format,
      refresh_count: refreshCount,
      figures,
      read_on: readOn,
    }));
    await this.tx.db.execute(sql`
      insert into ${t} (provider_id, period_start, period_end, claim_type, format, refresh_count,
                        figures, read_on)
      select ${this.tx.providerId}, k.period_start, k.period_end, k.claim_type, k.format,
             k.refresh_count, k.figures, k.read_on
        from json_to_recordset(${JSON.stringify(records)}::json)
          as k(period_start date, period_end date, claim_type text, format integer,
               refresh_count bigint, figures json, read_on date)
      ${keepingTheLatest}`);
  }

  /**
   * After a refresh: whether any span was read on `since` or later, and the custom spans (those
   * not in `standard`) read since then, the most recently read first, at most `limit`. In the
   * same statement every other custom span is forgotten, and, when nothing was read lately, the
   * standard ones too.
   */
  async keepRecent(
    since: string,
    standard: readonly FiguresSpan[],
    limit: number,
  ): Promise<{ readLately: boolean; custom: FiguresSpan[] }> {
    const { providerId } = this.tx;
    const keys = JSON.stringify(
      standard.map((s) => ({ period_start: s.start, period_end: s.end, claim_type: s.claimType })),
    );
    const key = sql`(f.period_start, f.period_end, f.claim_type)`;
    const { rows } = await this.tx.db.execute<{ readLately: boolean; custom: FiguresSpan[] }>(sql`
      with standard as (
        select * from json_to_recordset(${keys}::json)
                   as s(period_start date, period_end date, claim_type text)
      ), lately as (
        select exists (select 1 from ${t} f
                        where f.provider_id = ${providerId} and f.read_on >= ${since}) as yes
      ), recent as (
        select f.period_start, f.period_end, f.claim_type from ${t} f
         where f.provider_id = ${providerId} and f.read_on >= ${since}
           and ${key} not in (select period_start, period_end, claim_type from standard)
         order by f.read_on desc, f.period_start, f.period_end, f.claim_type
         limit ${limit}
      ), forgotten as (
        delete from ${t} f
         where f.provider_id = ${providerId}
           and ${key} not in (select period_start, period_end, claim_type from recent)
           and (not (select yes from lately)
                or ${key} not in (select period_start, period_end, claim_type from standard))
      )
      select (select yes from lately) as "readLately",
             coalesce((select json_agg(json_build_object('start', r.period_start::text,
                                                         'end', r.period_end::text,
                                                         'claimType', r.claim_type)
                                       order by r.period_start, r.period_end, r.claim_type)
                         from recent r), '[]') as custom`);
    const row = rows[0];
    return { readLately: row?.readLately ?? false, custom: row?.custom ?? [] };
  }

  /** The spans whose kept figures, in `format`, are of the provider's latest refresh. */
  async currentSpans(format: number): Promise<FiguresSpan[]> {
    const { providerId } = this.tx;
    const { rows } = await this.tx.db.execute<FiguresSpan>(sql`
      select f.period_start::text as start, f.period_end::text as "end", f.claim_type as "claimType"
        from ${t} f
       where f.provider_id = ${providerId} and f.format = ${format}
         and f.refresh_count = (select s.refresh_count from analytics_refresh_state s
                                 where s.provider_id = ${providerId})`);
    return rows;
  }
}
