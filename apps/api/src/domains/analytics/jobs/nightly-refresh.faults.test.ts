import { describe, expect, it } from 'vitest';
import { silentLogger, useAnalyticsHarnesses } from '../../../../test/analytics-harness';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, rowsOf } from '../../../../test/factories';
import { backendsGone, killableRefresher } from '../../../../test/killable-refresh';
import { freshnessOf } from '../../../../test/scoped';
import { createAppPool, createDatabase, JOBS_ROLE } from '../../../db/client';
import { runNightlyRefresh } from './nightly-refresh.job';

// The nightly job lists every provider: this file keeps a database of its own.
const ctx = useTestDatabase({ own: 'nightly_faults' });
const { harness } = useAnalyticsHarnesses(ctx);

const PROVIDERS = 6;
const KILLED_RUN = 'meritum-test-nightly-killed';

const claim = (dateOfService: string) => ({
  claimType: 'AHCIP' as const,
  healthServiceCode: '03.03A',
  dateOfService,
  feeSubmitted: '42.00',
});

describe('a nightly run killed midway', () => {
  it('leaves every provider fully refreshed or untouched, and the next run completes', async () => {
    const h = harness();
    const providers: string[] = [];
    for (let i = 0; i < PROVIDERS; i++) {
      const p = await createProvider(ctx.admin);
      const { id } = await h.unhooked.create(p, claim('2026-10-02'));
      await h.unhooked.transition(p, id, { to: 'submitted' });
      await h.analytics.refresher.refreshProvider(p);
      // Changes the claims hook never saw: every provider is due for the nightly run.
      await h.unhooked.transition(p, id, { to: 'paid' });
      await h.unhooked.create(p, claim('2026-09-09'));
      providers.push(p);
    }
    const before = new Map<string, unknown>();
    for (const p of providers) before.set(p, await rowsOf(ctx.admin, p));

    // The run to kill, on connections of its own. Two providers at a time; the third and fourth
    // refreshes stop inside their transactions once they have written their rows.
    const pool = createAppPool(ctx.url, { applicationName: KILLED_RUN });
    const jobsPool = createAppPool(ctx.url, {
      role: JOBS_ROLE,
      max: 1,
      applicationName: KILLED_RUN,
    });
    const db = createDatabase(pool);
    const killable = killableRefresher(db, { pauseFrom: 3, mode: 'idle', clock: h.clock });
    const run = runNightlyRefresh({
      jobsDb: createDatabase(jobsPool),
      refresher: killable.refresher,
      clock: h.clock,
      logger: silentLogger,
      concurrency: 2,
      pageSize: 2,
    }).then(
      (report) => ({ report }),
      (error: unknown) => ({ error }),
    );
    const paused = await killable.paused(2);

    // The process dies: it starts nothing more, and the server ends its sessions.
    const ended = Promise.all([pool.end(), jobsPool.end()]);
    const { rows: killed } = await ctx.admin.query<{ pid: number }>(
      // In the select list, not the WHERE clause: PostgreSQL may evaluate quals in any order.
      `select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`,
      [KILLED_RUN],
    );
    expect(killed.map((k) => k.pid)).toEqual(expect.arrayContaining(paused.map((s) => s.pid)));
    await backendsGone(
      ctx.admin,
      killed.map((k) => k.pid),
    );
    killable.letGo();
    expect(await run).toEqual({ error: expect.any(Error) });
    await ended;

    const refreshed: string[] = [];
    const untouched: string[] = [];
    const partial: string[] = [];
    for (const p of providers) {
      const rows = await rowsOf(ctx.admin, p);
      const status = await freshnessOf(ctx.db, p);
      if (JSON.stringify(rows) === JSON.stringify(before.get(p))) untouched.push(p);
      else if (status.cacheVersion === status.dataVersion && status.dirtyMonths === 0) {
        refreshed.push(p);
      } else partial.push(p);
    }
    expect(paused.every((s) => s.written > 0)).toBe(true);
    expect({
      refreshed: refreshed.length,
      untouched: untouched.length,
      partial: partial.length,
    }).toEqual({ refreshed: 2, untouched: PROVIDERS - 2, partial: 0 });
    const afterKill = new Map<string, unknown>();
    for (const p of refreshed) afterKill.set(p, await rowsOf(ctx.admin, p));

    const next = await runNightlyRefresh({
      jobsDb: ctx.jobsDb,
      refresher: h.analytics.refresher,
      clock: h.clock,
      logger: silentLogger,
      pageSize: 2,
    });
    expect(next).toMatchObject({
      status: 'completed',
      providers: PROVIDERS,
      refreshed: PROVIDERS - 2,
      skipped: 2,
      failed: 0,
      busy: 0,
    });
    for (const p of providers) {
      const status = await freshnessOf(ctx.db, p);
      expect(status).toMatchObject({ cacheVersion: status.dataVersion, dirtyMonths: 0 });
    }
    // Those the killed run finished are current: the next run leaves them as they were.
    for (const p of refreshed) expect(await rowsOf(ctx.admin, p)).toEqual(afterKill.get(p));
  });
});
