import { resolvePeriod, systemClock } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { signUpWithClaims, useApp } from '../../../../test/app-harness';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { withProviderScope } from '../../../db/provider-scope';
import { DashboardRepo } from '../repos/dashboard.repo';
import { standardSpans, summed } from '../services/dashboard-spans';
import { retentionWindow } from '../services/retention';

const ctx = useTestDatabase();
const app = useApp(ctx);

describe('signing in', () => {
  it('assembles every view the page offers behind the sign-in, so the first reads find them', async () => {
    // Signed in before any claim: nothing to assemble from a cache never computed.
    const { providerId: p, credentials } = await signUpWithClaims(app, ctx, {
      count: 400,
      seed: 31,
    });
    const { analytics } = app.services;
    await analytics.keptFigures.settled();
    await analytics.refresher.refreshProvider(p, { months: retentionWindow(systemClock) });
    const kept = () =>
      ownerQuery(
        ctx.admin,
        p,
        `select period_start::text as start, period_end::text as "end", claim_type as "claimType",
                figures from analytics_dashboard_figures where provider_id = $1`,
        [p],
      ).then((r) => r.rows);
    // Nobody has read the dashboard: the refresh kept nothing.
    await analytics.keptFigures.settled();
    expect(await kept()).toEqual([]);

    const agent = app.http();
    const { email, password } = credentials;
    await agent.post('/api/v1/auth/login').send({ email, password }).expect(200);
    await analytics.keptFigures.settled();
    const spans = standardSpans(systemClock);
    const rows = await kept();
    expect(rows).toHaveLength(spans.length);
    for (const span of spans) {
      const read = await withProviderScope(ctx.db, p, (tx) =>
        new DashboardRepo(tx).read(span.range),
      );
      const row = rows.find(
        (r) =>
          r.start === span.key.start &&
          r.end === span.key.end &&
          r.claimType === span.key.claimType,
      );
      expect(row?.figures).toEqual(JSON.parse(JSON.stringify(summed(span, read).figures)));
    }

    // Another sign-in finds every view kept for the cache as it stands: it writes nothing.
    const versions = () =>
      ownerQuery(
        ctx.admin,
        p,
        'select xmin::text from analytics_dashboard_figures where provider_id = $1 order by 1',
        [p],
      ).then((r) => r.rows);
    const before = await versions();
    await app.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    await analytics.keptFigures.settled();
    expect(await versions()).toEqual(before);

    // The first read answers the kept figures: the rows, changed behind the refresh's back
    // here, are not read.
    await ownerQuery(
      ctx.admin,
      p,
      `update analytics_cache set value = value * 2
        where provider_id = $1 and metric_key = 'billed_amount'`,
      [p],
    );
    const { start, end } = resolvePeriod('last_12_months', systemClock);
    const year = rows.find((r) => r.start === start && r.end === end && r.claimType === 'WCB');
    expect(Number(year?.figures.metrics.claimsCount)).toBeGreaterThan(0);
    const answer = await agent
      .get('/api/v1/analytics/dashboard')
      .query({ period: 'last_12_months', claimType: 'WCB' })
      .expect(200);
    expect(answer.body.freshness.state).toBe('fresh');
    expect(answer.body.metrics).toEqual(year?.figures.metrics);
  });
});
