import { describe, expect, it } from 'vitest';
import { waitForAdvisoryLock } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery, setRefreshCount } from '../../../../test/factories';
import { scopedRepo } from '../../../../test/scoped';
import { withProviderScope } from '../../../db/provider-scope';
import { DashboardRepo } from './dashboard.repo';
import { DashboardFiguresRepo, type FiguresSpan } from './dashboard-figures.repo';
import { FIGURES_LOCK_NAMESPACE } from './refresh-lock';

const ctx = useTestDatabase();
const figuresOf = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new DashboardFiguresRepo(tx));
const dashboard = (providerId: string) =>
  scopedRepo(ctx.db, providerId, (tx) => new DashboardRepo(tx));

const NOVEMBER = { start: '2026-11-01', end: '2026-11-30' };
const november: FiguresSpan = { ...NOVEMBER, claimType: 'all' };
const kept = (refreshCount: number, billed: string, readOn = '2026-11-20') => ({
  format: 1,
  refreshCount,
  figures: { metrics: { billedAmount: billed } },
  readOn,
});
const MAX = 12;

/** The provider's kept figures of `span` in format 1, looked up as the dashboard does. */
async function lookUp(providerId: string, span = november) {
  const { start, end } = span;
  return (await dashboard(providerId).read({ start, end }, [], { span, format: 1 })).kept;
}

/** Refreshes recorded for the provider: what kept figures must match to be served. */
const refreshed = (providerId: string, count: number) =>
  setRefreshCount(ctx.admin, providerId, count);

const spansOf = async (providerId: string) =>
  (
    await ownerQuery(
      ctx.admin,
      providerId,
      `select period_start || ' ' || claim_type || ' ' || refresh_count as span
         from analytics_dashboard_figures where provider_id = $1 order by 1`,
      [providerId],
    )
  ).rows.map((r: { span: string }) => r.span);

describe('DashboardFiguresRepo', () => {
  it('serves kept figures only while the refresh they came from is the latest, in their format', async () => {
    const p = await createProvider(ctx.admin);
    await refreshed(p, 3);
    await figuresOf(p).keep(november, kept(3, '100.00'), MAX);
    expect(await lookUp(p)).toEqual({ metrics: { billedAmount: '100.00' } });
    expect(
      (await dashboard(p).read(NOVEMBER, [], { span: november, format: 2 })).kept,
      'another format',
    ).toBeNull();
    expect(await lookUp(p, { ...november, claimType: 'WCB' }), 'another claim type').toBeNull();

    await refreshed(p, 4);
    expect(await lookUp(p)).toBeNull();
  });

  it('never replaces figures of a later refresh with those of an earlier one', async () => {
    const p = await createProvider(ctx.admin);
    await refreshed(p, 5);
    await figuresOf(p).keep(november, kept(5, '500.00'), MAX);
    await figuresOf(p).keep(november, kept(4, '400.00'), MAX);
    expect(await lookUp(p)).toEqual({ metrics: { billedAmount: '500.00' } });
  });

  it('adds no span past the limit, but still renews one it keeps', async () => {
    const p = await createProvider(ctx.admin);
    await refreshed(p, 1);
    for (let day = 1; day <= 3; day++) {
      const start = `2026-10-0${day}`;
      await figuresOf(p).keep({ start, end: '2026-10-31', claimType: 'all' }, kept(1, '1.00'), 3);
    }
    await figuresOf(p).keep(november, kept(1, '100.00'), 3);
    expect(await lookUp(p)).toBeNull();
    const first = { start: '2026-10-01', end: '2026-10-31', claimType: 'all' };
    await figuresOf(p).keep(first, kept(2, '2.00'), 3);
    expect(await spansOf(p)).toEqual(['2026-10-01 all 2', '2026-10-02 all 1', '2026-10-03 all 1']);
  });

  it('lists the custom spans read lately, most recent first and at most the limit, and keeps the standard ones', async () => {
    const p = await createProvider(ctx.admin);
    const read = [
      ['2026-08-01', '2026-11-01'],
      ['2026-09-01', '2026-11-18'],
      ['2026-10-01', '2026-11-20'],
      ['2026-11-01', '2026-11-01'],
    ] as const;
    for (const [start, readOn] of read) {
      await figuresOf(p).keep(
        { start, end: '2026-11-30', claimType: 'all' },
        kept(1, '1', readOn),
        MAX,
      );
    }
    const standard = [{ start: '2026-11-01', end: '2026-11-30', claimType: 'all' }];
    const recent = await figuresOf(p).keepRecent('2026-11-10', standard, 1);
    expect(recent).toEqual({
      readLately: true,
      custom: [{ start: '2026-10-01', end: '2026-11-30', claimType: 'all' }],
    });
    // The standard span stays, read long ago; September, read lately, is past the limit.
    expect(await spansOf(p)).toEqual(['2026-10-01 all 1', '2026-11-01 all 1']);

    // Nothing read since the 21st: every span goes, the standard one too.
    expect(await figuresOf(p).keepRecent('2026-11-21', standard, 1)).toEqual({
      readLately: false,
      custom: [],
    });
    expect(await spansOf(p)).toEqual([]);
  });

  it('keeps several spans in one statement, never over a later refresh’s or format’s figures', async () => {
    const [p, q] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    const october = { start: '2026-10-01', end: '2026-10-31', claimType: 'all' };
    await figuresOf(q).keep(november, kept(9, '9.00'), MAX);
    await figuresOf(p).keep(november, kept(5, '5.00'), MAX);
    await figuresOf(p).keep(october, { ...kept(4, '4.00'), format: 2 }, MAX);
    await figuresOf(p).keepAll([
      { span: november, ...kept(4, '4.00') },
      { span: october, ...kept(4, '4.01') },
      { span: { ...november, claimType: 'WCB' }, ...kept(4, '4.02') },
    ]);
    const { rows } = await ownerQuery(
      ctx.admin,
      p,
      `select provider_id = $1 as mine, claim_type, period_start::text, format, refresh_count,
              figures::text from analytics_dashboard_figures
        where provider_id in ($1, $2) order by 1, 2, 3`,
      [p, q],
    );
    expect(rows).toEqual([
      {
        mine: false,
        claim_type: 'all',
        period_start: '2026-11-01',
        format: 1,
        refresh_count: '9',
        figures: '{"metrics":{"billedAmount":"9.00"}}',
      },
      {
        mine: true,
        claim_type: 'WCB',
        period_start: '2026-11-01',
        format: 1,
        refresh_count: '4',
        figures: '{"metrics":{"billedAmount":"4.02"}}',
      },
      {
        mine: true,
        claim_type: 'all',
        period_start: '2026-10-01',
        format: 2,
        refresh_count: '4',
        figures: '{"metrics":{"billedAmount":"4.00"}}',
      },
      {
        mine: true,
        claim_type: 'all',
        period_start: '2026-11-01',
        format: 1,
        refresh_count: '5',
        figures: '{"metrics":{"billedAmount":"5.00"}}',
      },
    ]);
  });

  it('lists the spans kept for the latest refresh in a format, and no other provider’s', async () => {
    const [p, q] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    const october = { start: '2026-10-01', end: '2026-10-31', claimType: 'all' };
    await refreshed(p, 3);
    await refreshed(q, 3);
    await figuresOf(q).keep(october, kept(3, '1'), MAX);
    await figuresOf(p).keep(november, kept(3, '1'), MAX);
    await figuresOf(p).keep(october, kept(2, '1'), MAX);
    await figuresOf(p).keep({ ...november, claimType: 'WCB' }, { ...kept(3, '1'), format: 2 }, MAX);
    expect(await figuresOf(p).currentSpans(1)).toEqual([november]);
  });

  it('notes a later day a span was read, never an earlier one', async () => {
    const p = await createProvider(ctx.admin);
    await figuresOf(p).keep(november, kept(1, '1.00', '2026-11-20'), MAX);
    await figuresOf(p).noteRead(november, '2026-11-25');
    await figuresOf(p).noteRead(november, '2026-11-22');
    const { rows } = await ownerQuery(
      ctx.admin,
      p,
      'select read_on::text from analytics_dashboard_figures where provider_id = $1',
      [p],
    );
    expect(rows).toEqual([{ read_on: '2026-11-25' }]);
  });

  it('keeps a later format’s figures of the same refresh from an earlier format’s', async () => {
    const p = await createProvider(ctx.admin);
    await refreshed(p, 2);
    await figuresOf(p).keep(november, { ...kept(2, '2.00'), format: 2 }, MAX);
    await figuresOf(p).keep(november, kept(2, '1.00'), MAX);
    expect((await dashboard(p).read(NOVEMBER, [], { span: november, format: 2 })).kept).toEqual({
      metrics: { billedAmount: '2.00' },
    });
  });

  it('lets one transaction at a time assemble a provider’s figures', async () => {
    const p = await createProvider(ctx.admin);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withProviderScope(ctx.db, p, async (tx) => {
      await new DashboardFiguresRepo(tx).lockAssembly();
      await held;
    });
    await waitForAdvisoryLock(ctx.admin, { namespace: FIGURES_LOCK_NAMESPACE, key: p });
    let secondLocked = false;
    const second = withProviderScope(ctx.db, p, async (tx) => {
      await new DashboardFiguresRepo(tx).lockAssembly();
      secondLocked = true;
    });
    // The second waits on the first: its lock is asked for, not granted.
    for (let i = 0; i < 200; i++) {
      const { rows } = await ctx.admin.query(
        `select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted and classid = $1::int::oid`,
        [FIGURES_LOCK_NAMESPACE],
      );
      if (rows[0]?.n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(secondLocked).toBe(false);
    release();
    await Promise.all([first, second]);
    expect(secondLocked).toBe(true);
  });

  it('keeps, finds and forgets one provider’s figures only', async () => {
    const [p, q] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    await refreshed(p, 1);
    await refreshed(q, 1);
    await figuresOf(p).keep(november, kept(1, '100.00'), MAX);
    expect(await lookUp(q)).toBeNull();
    await figuresOf(q).keep(november, kept(1, '250.00'), MAX);
    expect(await figuresOf(q).keepRecent('2026-12-01', [november], MAX)).toEqual({
      readLately: false,
      custom: [],
    });
    expect(await spansOf(q)).toEqual([]);
    expect(await lookUp(p)).toEqual({ metrics: { billedAmount: '100.00' } });
  });

  it('refuses, under row-level security, a row of another provider written in a scope', async () => {
    const [p, q] = [await createProvider(ctx.admin), await createProvider(ctx.admin)];
    const written = withProviderScope(ctx.db, q, (tx) =>
      tx.client.query(
        `insert into analytics_dashboard_figures
           (provider_id, period_start, period_end, claim_type, format, refresh_count, figures, read_on)
         values ($1, '2026-11-01', '2026-11-30', 'all', 1, 1, '{}', '2026-11-20')`,
        [p],
      ),
    );
    await expect(written).rejects.toThrow(/row-level security/);
    expect(await spansOf(p)).toEqual([]);
  });
});
