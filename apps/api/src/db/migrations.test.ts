import { readdir, readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/db';
import { cacheEntry, createProvider, months } from '../../test/factories';
import { scopedRepo } from '../../test/scoped';
import { AnalyticsCacheRepo } from '../domains/analytics/repos/analytics-cache.repo';
import { MIGRATIONS_FOLDER } from './migrate';
import { withProviderScope } from './provider-scope';

const ctx = useTestDatabase();

describe('migrations', () => {
  it('journal every SQL file, in strictly increasing order: the migrator skips out-of-order entries', async () => {
    const journal = JSON.parse(
      await readFile(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8'),
    ) as {
      entries: Array<{ idx: number; when: number; tag: string }>;
    };
    const files = (await readdir(MIGRATIONS_FOLDER)).filter((f) => f.endsWith('.sql')).sort();

    expect(journal.entries.map((e) => `${e.tag}.sql`)).toEqual(files);
    journal.entries.forEach((entry, i) => {
      expect(entry.idx).toBe(i);
      if (i > 0) expect(entry.when).toBeGreaterThan(journal.entries[i - 1]?.when ?? 0);
    });
  });

  it('index dimensions with GIN jsonb_path_ops and keep computed_at out of every index', async () => {
    const { rows } = await ctx.admin.query(
      `select indexname, indexdef from pg_indexes where tablename = 'analytics_cache' order by indexname`,
    );
    const defs: Record<string, string> = Object.fromEntries(
      rows.map((r) => [r.indexname, r.indexdef]),
    );

    expect(defs.analytics_cache_dimensions_gin_idx).toMatch(
      /USING gin \(dimensions jsonb_path_ops\)/,
    );
    expect(defs.analytics_cache_provider_period_end_idx).toMatch(
      /btree \(provider_id, period_end\)/,
    );
    expect(defs.analytics_cache_key).toMatch(
      /UNIQUE .* \(provider_id, metric_key, period_start, period_end, dimensions\)/,
    );
    expect(Object.values(defs).filter((d) => d.includes('computed_at'))).toEqual([]);
  });

  it('enable and force row-level security on every provider table, with a policy on app_provider_id() and no subquery', async () => {
    const { rows } = await ctx.admin.query(
      `select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              exists (select 1 from pg_policy p where p.polrelid = c.oid
                       and pg_get_expr(p.polqual, p.polrelid) ~ '= app_provider_id()') as scoped,
              exists (select 1 from pg_policy p where p.polrelid = c.oid
                       and pg_get_expr(p.polqual, p.polrelid) ~* 'select') as subquery
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and (c.relname = 'providers' or exists (
                select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'provider_id'))
        order by c.relname`,
    );
    expect(rows.map((r) => r.table)).toEqual([
      'analytics_cache',
      'analytics_dashboard_figures',
      'analytics_dirty_months',
      'analytics_refresh_state',
      'analytics_statement_exports',
      'analytics_statements',
      'claim_events',
      'claim_month_versions',
      'claims',
      'provider_data_versions',
      'providers',
      'sessions',
      'users',
    ]);
    for (const row of rows) {
      // No subquery: Citus refuses one in the policies of a distributed table.
      expect(row, row.table).toMatchObject({
        enabled: true,
        forced: true,
        scoped: true,
        subquery: false,
      });
    }
  });

  it('create meritum_app as a role that can neither log in nor bypass row-level security', async () => {
    const { rows } = await ctx.admin.query(
      `select rolsuper, rolbypassrls, rolcanlogin, rolcreatedb, rolcreaterole
         from pg_roles where rolname = 'meritum_app'`,
    );
    expect(rows).toEqual([
      {
        rolsuper: false,
        rolbypassrls: false,
        rolcanlogin: false,
        rolcreatedb: false,
        rolcreaterole: false,
      },
    ]);
  });
});

describe('roles', () => {
  it('keep the cross-provider listing from meritum_app, the role that serves requests', async () => {
    await expect(
      ctx.db.execute(sql`select * from analytics_refresh_candidates(null, 10)`),
    ).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '42501' }),
    });
    await expect(ctx.db.execute(sql`select analytics_provider_count()`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '42501' }),
    });
    const listed = await ctx.jobsDb.execute(sql`select analytics_provider_count() as n`);
    expect(listed.rows).toHaveLength(1);
  });
});

describe('analytics_cache storage', () => {
  it('rewrites existing rows in place (HOT updates), touching no index', async () => {
    const p = await createProvider(ctx.admin);
    const entries = months('2025-01', 24).flatMap((period) =>
      ['AHCIP', 'WCB'].map((claimType) =>
        cacheEntry({ ...period, dimensions: { claim_type: claimType } }),
      ),
    );
    await scopedRepo(ctx.db, p, (tx) => new AnalyticsCacheRepo(tx)).bulkUpsert(entries);

    const counts = await withProviderScope(ctx.db, p, async (tx) => {
      await new AnalyticsCacheRepo(tx).bulkUpsert(
        entries.map((e) => ({ ...e, value: '2', sourceVersion: '1' })),
      );
      const { rows } = await tx.db.execute<{ updated: string; hot: string }>(sql`
        select pg_stat_get_xact_tuples_updated('analytics_cache'::regclass)::text as updated,
               pg_stat_get_xact_tuples_hot_updated('analytics_cache'::regclass)::text as hot`);
      return rows[0];
    });
    expect(counts).toEqual({ updated: String(entries.length), hot: String(entries.length) });
  });
});
