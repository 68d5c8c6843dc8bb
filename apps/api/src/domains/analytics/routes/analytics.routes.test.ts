import {
  ClaimListResponse,
  DashboardResponse,
  edmontonDateString,
  explanatoryCodeDescription,
  formatCents,
  monthsBetween,
  previousPeriod,
  systemClock,
  toCents,
} from '@meritum/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUpWithClaims, useApp } from '../../../../test/app-harness';
import {
  adjustmentsFromClaims,
  dashboardFromClaims,
  outstandingFromClaims,
  periodsFromDatabase,
  refusalsFromClaims,
  topCodesFromClaims,
} from '../../../../test/dashboard-reference';
import { useTestDatabase } from '../../../../test/db';
import type { signUp } from '../../../../test/sign-up';

const ctx = useTestDatabase();
const app = useApp(ctx);

type Agent = Awaited<ReturnType<typeof signUp>>['agent'];
type Periods = Awaited<ReturnType<typeof periodsFromDatabase>>;

let physician: { agent: Agent; providerId: string };
let periods: Periods;

const lastDayOfMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

beforeAll(async () => {
  periods = await periodsFromDatabase(ctx.admin);
  physician = await signUpWithClaims(app, ctx, { count: 1_500, seed: 11 });
  // A claim billed and paid through the API this month, beside the synthetic history.
  const { agent } = physician;
  const claim = await agent.post('/api/v1/claims').send({
    claimType: 'WCB',
    healthServiceCode: 'C568',
    dateOfService: periods.this_month.start,
    feeSubmitted: '95.40',
  });
  expect(claim.status, claim.text).toBe(201);
  for (const step of [
    { to: 'submitted' },
    { to: 'adjusted', feeAssessed: '90.15', explanatoryCodes: ['21'] },
  ]) {
    const moved = await agent.post(`/api/v1/claims/${claim.body.id}/transitions`).send(step);
    expect(moved.status, moved.text).toBe(200);
  }
  await app.services.analytics.scheduler.idle(); // the transitions' own refreshes
  const refresh = await agent.post('/api/v1/analytics/refresh');
  expect(refresh.status, refresh.text).toBe(200);
});

describe('GET /api/v1/analytics/dashboard', () => {
  const options = [
    'this_month',
    'last_month',
    'this_quarter',
    'year_to_date',
    'last_12_months',
    'custom: 24 months to date',
    'custom: days inside months',
  ] as const;
  const claimTypes = [undefined, 'AHCIP', 'WCB'] as const;
  const cases = options.flatMap((option) => claimTypes.map((claimType) => ({ option, claimType })));

  it.each(cases)(
    'equals a computation straight from the claims: $option, claim type $claimType',
    async ({ option, claimType }) => {
      const [query, expected] = resolveCase(option, periods);
      const url = `/api/v1/analytics/dashboard?${query}${claimType ? `&claimType=${claimType}` : ''}`;
      const response = await physician.agent.get(url);
      expect(response.status, response.text).toBe(200);
      // Exactly the shape every client reads, from the schema they share: parsing keeps only
      // the keys it knows, so an extra key or a wrong type fails here.
      const body = DashboardResponse.parse(response.body);
      expect(body).toStrictEqual(response.body);
      expect(body.freshness.state).toBe('fresh');
      expect(body.period).toEqual(expected);

      const { providerId } = physician;
      expect(body.metrics).toEqual(
        await dashboardFromClaims(ctx.admin, providerId, expected, claimType),
      );
      const months = monthsBetween(expected.start, expected.end);
      expect(body.monthly.map((m) => m.month)).toEqual(months);
      for (const { month, ...figures } of body.monthly) {
        const range = { start: month, end: lastDayOfMonth(month) };
        expect(figures, month).toEqual(
          await dashboardFromClaims(ctx.admin, providerId, range, claimType),
        );
      }
      expect(body.topHealthServiceCodes).toEqual(
        await topCodesFromClaims(ctx.admin, providerId, expected, claimType),
      );
      expect(body.refusals).toEqual(
        (await refusalsFromClaims(ctx.admin, providerId, expected, claimType)).map((r) => ({
          explanatoryCode: r.code,
          description: explanatoryCodeDescription(r.code),
          claimsCount: r.count,
          amount: r.amount,
        })),
      );
      expect(body.adjustments).toEqual(
        (await adjustmentsFromClaims(ctx.admin, providerId, expected, claimType)).map((r) => ({
          explanatoryCode: r.code,
          description: explanatoryCodeDescription(r.code),
          amountLost: r.lost,
        })),
      );
      const outstanding = await outstandingFromClaims(ctx.admin, providerId, claimType);
      expect(body.outstanding.buckets).toEqual(
        outstanding.map((b) => ({ bucket: b.bucket, claimsCount: b.count, amount: b.amount })),
      );
      const previous = previousPeriod(expected);
      expect(body.comparison.period).toEqual(previous);
      const before = await dashboardFromClaims(ctx.admin, providerId, previous, claimType);
      expect(body.comparison.metrics).toEqual(before);
      const now = body.metrics;
      expect(body.comparison.change).toMatchObject({
        claimsCount: now.claimsCount - Number(before?.claimsCount),
        billedAmount: formatCents(
          toCents(now.billedAmount) - toCents(String(before?.billedAmount)),
        ),
        paidAmount: formatCents(toCents(now.paidAmount) - toCents(String(before?.paidAmount))),
        rejectedCount: now.rejectedCount - Number(before?.rejectedCount),
      });
    },
  );

  it.each(cases)(
    'leads from each figure to claims whose totals equal it: $option, claim type $claimType',
    async ({ option, claimType }) => {
      const [query] = resolveCase(option, periods);
      const type = claimType ? `&claimType=${claimType}` : '';
      const body = DashboardResponse.parse(
        (await physician.agent.get(`/api/v1/analytics/dashboard?${query}${type}`)).body,
      );
      const { start, end } = body.period;
      const served = `serviceFrom=${start}&serviceTo=${end}${type}`;
      const paid = `paidFrom=${start}&paidTo=${end}${type}`;
      const states = (...names: string[]) => names.map((n) => `&state=${n}`).join('');
      const totals = async (filter: string) => {
        const response = await physician.agent.get(`/api/v1/claims?${filter}&limit=1`);
        expect(response.status, response.text).toBe(200);
        return ClaimListResponse.parse(response.body).totals;
      };
      const m = body.metrics;
      const billed = await totals(
        served + states('submitted', 'paid', 'adjusted', 'rejected', 'written_off'),
      );
      expect([billed.count, billed.feeSubmitted]).toEqual([m.claimsCount, m.billedAmount]);
      const paidOut = await totals(paid + states('paid', 'adjusted'));
      expect([paidOut.count, paidOut.feeAssessed]).toEqual([m.paidCount, m.paidAmount]);
      expect((await totals(served + states('rejected', 'written_off'))).count).toBe(
        m.rejectedCount,
      );
      expect((await totals(served + states('submitted'))).feeSubmitted).toBe(m.pendingAmount);
      for (const reason of body.refusals) {
        const t = await totals(
          `${served}${states('rejected', 'written_off')}&explanatoryCode=${reason.explanatoryCode}`,
        );
        expect([t.count, t.feeSubmitted], reason.explanatoryCode).toEqual([
          reason.claimsCount,
          reason.amount,
        ]);
      }
      for (const reason of body.adjustments) {
        const t = await totals(
          `${paid}${states('adjusted')}&explanatoryCode=${reason.explanatoryCode}`,
        );
        expect(formatCents(toCents(t.feeSubmitted) - toCents(t.feeAssessed))).toBe(
          reason.amountLost,
        );
      }
      for (const bucket of body.outstanding.buckets) {
        const t = await totals(`outstanding=${encodeURIComponent(bucket.bucket)}${type}`);
        expect([t.count, t.feeSubmitted], bucket.bucket).toEqual([
          bucket.claimsCount,
          bucket.amount,
        ]);
      }
    },
  );

  it('has refusals with codes, adjustments and an outstanding tail to show', async () => {
    const response = await physician.agent.get('/api/v1/analytics/dashboard?period=last_12_months');
    const body = DashboardResponse.parse(response.body);
    expect(body.refusals.length).toBeGreaterThan(3);
    expect(body.refusals.some((r) => r.description !== null)).toBe(true);
    expect(body.adjustments.length).toBeGreaterThan(0);
    // The API's own Edmonton day: in the hour after midnight, Node's newer time-zone data and
    // an older server's disagree on the date (docs/decisions.md).
    expect(body.outstanding.asOf).toBe(edmontonDateString(systemClock.now()));
    expect(body.outstanding.buckets.filter((b) => b.claimsCount > 0).length).toBeGreaterThan(2);
  });

  it('has something to compare: the physician billed, was paid and was refused in the last 12 months', async () => {
    const response = await physician.agent.get('/api/v1/analytics/dashboard?period=last_12_months');
    const { metrics, topHealthServiceCodes } = response.body;
    expect(metrics.claimsCount).toBeGreaterThan(500);
    expect(metrics.paidCount).toBeGreaterThan(300);
    expect(metrics.rejectedCount).toBeGreaterThan(10);
    expect(Number(metrics.pendingAmount)).toBeGreaterThan(0);
    expect(topHealthServiceCodes.length).toBeGreaterThan(5);
  });

  it('shows a transition on the next open once its refresh lands', async () => {
    const fresh = await signUpWithClaims(app, ctx, { count: 50, seed: 12 });
    await fresh.agent.post('/api/v1/analytics/refresh').expect(200);
    const before = await fresh.agent.get('/api/v1/analytics/dashboard?period=this_month');
    const claim = await fresh.agent.post('/api/v1/claims').send({
      claimType: 'AHCIP',
      healthServiceCode: '03.04A',
      dateOfService: periods.this_month.start,
      feeSubmitted: '1000.01',
    });
    await fresh.agent.post(`/api/v1/claims/${claim.body.id}/transitions`).send({ to: 'submitted' });
    await app.services.analytics.scheduler.idle();

    const after = await fresh.agent.get('/api/v1/analytics/dashboard?period=this_month');
    expect(after.body.freshness.state).toBe('fresh');
    expect(after.body.metrics.claimsCount).toBe(before.body.metrics.claimsCount + 1);
    expect(after.body.metrics).toEqual(
      await dashboardFromClaims(ctx.admin, fresh.providerId, periods.this_month),
    );
  });
});

describe('GET /api/v1/analytics/validation', () => {
  it('reports the cache consistent with the claims after a refresh', async () => {
    const { start, end } = periods.last_12_months;
    const response = await physician.agent.get(
      `/api/v1/analytics/validation?start=${start}&end=${end}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ consistent: true, mismatches: [] });
    expect(response.body.checked).toBeGreaterThan(12 * 8);
  });

  it('checks whole months, so a range that ends mid-month is consistent too', async () => {
    const start = `${periods.last_12_months.start.slice(0, 8)}09`;
    const end = `${periods.last_month.start.slice(0, 8)}14`;
    const response = await physician.agent.get(
      `/api/v1/analytics/validation?start=${start}&end=${end}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ consistent: true, mismatches: [] });
  });

  it('lists the row changed behind the cache’s back', async () => {
    const target = await signUpWithClaims(app, ctx, { count: 300, seed: 13 });
    await target.agent.post('/api/v1/analytics/refresh').expect(200);
    const month = periods.last_month.start;
    const { rows } = await ctx.admin.query<{ value: string }>(
      `update analytics_cache set value = value + 7
       where provider_id = $1 and metric_key = 'billed_amount' and period_start = $2
         and dimensions = '{}'::jsonb
       returning value::text`,
      [target.providerId, month],
    );
    expect(rows).toHaveLength(1);
    const tampered = rows[0]?.value as string;

    const response = await target.agent.get(
      `/api/v1/analytics/validation?start=${month}&end=${periods.last_month.end}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.consistent).toBe(false);
    const expected = await dashboardFromClaims(ctx.admin, target.providerId, periods.last_month);
    expect(response.body.mismatches).toEqual([
      {
        metricKey: 'billed_amount',
        periodStart: month,
        dimensions: {},
        cached: tampered,
        computed: expected?.billedAmount,
      },
    ]);
  });
});

describe('GET /api/v1/analytics/metrics', () => {
  it('returns the cached figures of the session’s physician, filtered by dimensions, without row or provider ids', async () => {
    const { start, end } = periods.last_month;
    const dimensions = encodeURIComponent(JSON.stringify({ claim_type: 'AHCIP' }));
    const response = await physician.agent.get(
      `/api/v1/analytics/metrics?keys=claims_count,billed_amount&start=${start}&end=${end}&dimensions=${dimensions}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body).not.toHaveProperty('rows');
    const figures = response.body.figures as Array<Record<string, unknown>>;
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) {
      expect(figure).not.toHaveProperty('id');
      expect(figure).not.toHaveProperty('providerId');
    }
    const expected = await dashboardFromClaims(
      ctx.admin,
      physician.providerId,
      { start, end },
      'AHCIP',
    );
    const total = figures.find(
      (f) =>
        f.metricKey === 'billed_amount' &&
        JSON.stringify(f.dimensions) === '{"claim_type":"AHCIP"}',
    );
    expect(total?.value).toBe(expected?.billedAmount);
    expect(new Set(figures.map((f) => f.metricKey))).toEqual(
      new Set(['claims_count', 'billed_amount']),
    );
    // Code-level figures carry their claim type, so the AHCIP filter finds them too.
    expect(figures.some((f) => 'health_service_code' in (f.dimensions as object))).toBe(true);
  });
});

function resolveCase(option: string, p: Periods): [string, { start: string; end: string }] {
  switch (option) {
    case 'custom: 24 months to date':
      return [
        `period=custom&start=${p.windowStart}&end=${p.this_month.end}`,
        { start: p.windowStart, end: p.this_month.end },
      ];
    case 'custom: days inside months': {
      // Dates inside months widen to the whole months that contain them.
      const start = `${p.last_12_months.start.slice(0, 8)}17`;
      const end = `${p.last_month.start.slice(0, 8)}03`;
      return [
        `period=custom&start=${start}&end=${end}`,
        { start: p.last_12_months.start, end: p.last_month.end },
      ];
    }
    default: {
      const period = p[option as keyof Omit<Periods, 'windowStart' | 'today'>];
      return [`period=${option}`, period];
    }
  }
}
