import {
  addMonths,
  type ClaimState,
  edmontonDate,
  firstOfMonth,
  formatDate,
  lastOfMonth,
  PERIOD_OPTIONS,
} from '@meritum/shared';
import type supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { ownerQuery, rowsOf } from '../test/factories';
import { signUp } from '../test/sign-up';
import { readPdf } from '../test/statement-files';

const ctx = useTestDatabase();
const app = useApp(ctx);

type Agent = supertest.Agent;

const today = edmontonDate(new Date());
const previous = addMonths(today.year, today.month, -1);
const threeBack = addMonths(today.year, today.month, -3);
const retentionStart = addMonths(today.year, today.month, -23);
const THIS_MONTH = firstOfMonth(today.year, today.month);
const LAST_MONTH = formatDate({ ...previous, day: 15 });

interface Range {
  start: string;
  end: string;
}
// Whole months, the cache's grain: /validation recomputes every month a range touches but
// reads only the cached months wholly inside it, so a mid-month end reports false mismatches.
const WINDOW: Range = {
  start: firstOfMonth(retentionStart.year, retentionStart.month),
  end: lastOfMonth(today.year, today.month),
};
const RANGES: Range[] = [
  WINDOW,
  {
    start: firstOfMonth(previous.year, previous.month),
    end: lastOfMonth(previous.year, previous.month),
  },
  { start: THIS_MONTH, end: lastOfMonth(today.year, today.month) },
];
const CUSTOM = `&start=${firstOfMonth(threeBack.year, threeBack.month)}&end=${formatDate(today)}`;
const BY_A_CODE = `&dimensions=${encodeURIComponent('{"health_service_code":"98.76Z"}')}`;
const metricsPath = (keys: string, { start, end }: Range, dimensions = '') =>
  `/api/v1/analytics/metrics?keys=${keys}&start=${start}&end=${end}${dimensions}`;
const validationPath = ({ start, end }: Range) =>
  `/api/v1/analytics/validation?start=${start}&end=${end}`;

interface ClaimPlan {
  claimType: 'AHCIP' | 'WCB';
  healthServiceCode: string;
  dateOfService: string;
  feeSubmitted: string;
  /** Transitions after creation, in order; `paid`/`adjusted` carry their fee. */
  path: Array<{ to: ClaimState; feeAssessed?: string; explanatoryCodes?: string[] }>;
}

// A's amounts and codes are distinctive: any of them in B's responses would be a leak.
const A_CLAIMS: ClaimPlan[] = [
  {
    claimType: 'AHCIP',
    healthServiceCode: '98.76Z',
    dateOfService: THIS_MONTH,
    feeSubmitted: '777.77',
    path: [{ to: 'submitted' }, { to: 'paid', feeAssessed: '777.77' }],
  },
  {
    claimType: 'AHCIP',
    healthServiceCode: '98.76Z',
    dateOfService: LAST_MONTH,
    feeSubmitted: '654.32',
    path: [
      { to: 'submitted' },
      { to: 'adjusted', feeAssessed: '543.21', explanatoryCodes: ['21'] },
    ],
  },
  {
    claimType: 'WCB',
    healthServiceCode: '91.23W',
    dateOfService: LAST_MONTH,
    feeSubmitted: '888.88',
    path: [
      { to: 'submitted' },
      { to: 'rejected', explanatoryCodes: ['05'] },
      { to: 'written_off' },
    ],
  },
  {
    claimType: 'AHCIP',
    healthServiceCode: '98.76Z',
    dateOfService: THIS_MONTH,
    feeSubmitted: '919.19',
    path: [{ to: 'submitted' }, { to: 'rejected', explanatoryCodes: ['05'] }],
  },
  {
    claimType: 'WCB',
    healthServiceCode: '91.23W',
    dateOfService: THIS_MONTH,
    feeSubmitted: '313.13',
    path: [{ to: 'submitted' }],
  },
  {
    claimType: 'AHCIP',
    healthServiceCode: '98.76Z',
    dateOfService: THIS_MONTH,
    feeSubmitted: '246.81',
    path: [],
  },
];
const A_STRINGS = ['777.77', '654.32', '543.21', '888.88', '919.19', '313.13', '246.81'];
const A_CODES = ['98.76Z', '91.23W'];

const B_CLAIMS: ClaimPlan[] = [
  {
    claimType: 'AHCIP',
    healthServiceCode: '03.03A',
    dateOfService: THIS_MONTH,
    feeSubmitted: '100.00',
    path: [{ to: 'submitted' }, { to: 'paid', feeAssessed: '100.00' }],
  },
  {
    claimType: 'WCB',
    healthServiceCode: '03.04A',
    dateOfService: LAST_MONTH,
    feeSubmitted: '50.00',
    path: [{ to: 'submitted' }],
  },
  {
    claimType: 'AHCIP',
    healthServiceCode: '03.03A',
    dateOfService: LAST_MONTH,
    feeSubmitted: '85.50',
    path: [{ to: 'submitted' }, { to: 'rejected', explanatoryCodes: ['05'] }],
  },
  {
    claimType: 'AHCIP',
    healthServiceCode: '03.03A',
    dateOfService: THIS_MONTH,
    feeSubmitted: '20.00',
    path: [],
  },
];

/** Creates the claims through the API, moves each along its path, and refreshes the cache. */
async function bill(agent: Agent, plans: ClaimPlan[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { path, ...claim } of plans) {
    const created = await agent.post('/api/v1/claims').send(claim);
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    for (const step of path) {
      const moved = await agent.post(`/api/v1/claims/${id}/transitions`).send(step);
      expect(moved.status, moved.text).toBe(200);
      expect(moved.body.state).toBe(step.to);
    }
    ids.push(id);
  }
  await refresh(agent);
  return ids;
}

async function refresh(agent: Agent) {
  const refreshed = await agent.post('/api/v1/analytics/refresh');
  expect(refreshed.status, refreshed.text).toBe(200);
  expect(refreshed.body.status).toBe('refreshed');
  // Refreshes the claim-change hook asked for may still be running: let them finish.
  await app.services.analytics.scheduler.idle();
}

/** Every analytics response a physician can ask for, keyed by request, as text and as parsed. */
async function analyticsViews(agent: Agent): Promise<Map<string, { text: string; body: unknown }>> {
  const paths: string[] = [];
  for (const period of PERIOD_OPTIONS) {
    for (const claimType of ['', '&claimType=AHCIP', '&claimType=WCB']) {
      paths.push(
        `/api/v1/analytics/dashboard?period=${period}${period === 'custom' ? CUSTOM : ''}${claimType}`,
      );
    }
  }
  const keySets = [
    'claims_count,billed_amount',
    'paid_count,paid_amount,days_to_payment_sum',
    'rejected_count,assessed_count,pending_amount',
    'rejected_amount,adjustment_loss',
    'outstanding_count,outstanding_amount',
  ];
  const dimensions = ['', `&dimensions=${encodeURIComponent('{"claim_type":"WCB"}')}`, BY_A_CODE];
  for (const range of RANGES) {
    for (const keys of keySets) {
      for (const dims of dimensions) paths.push(metricsPath(keys, range, dims));
    }
    paths.push(validationPath(range));
  }
  const views = new Map<string, { text: string; body: unknown }>();
  for (const path of paths) {
    const response = await agent.get(path);
    expect(response.status, `${path}: ${response.text}`).toBe(200);
    views.set(path, { text: response.text, body: comparable(response.body) });
  }
  return views;
}

/** What a response says about the data: not when it was computed or read. */
function comparable(body: Record<string, unknown>): unknown {
  if ('freshness' in body) {
    const { freshness, ...rest } = body as { freshness: { sourceVersion: unknown } };
    return { ...rest, sourceVersion: freshness.sourceVersion };
  }
  if ('figures' in body) {
    return (body.figures as Array<Record<string, unknown>>).map(
      ({ computedAt: _computedAt, ...figure }) => figure,
    );
  }
  return body;
}

const bodies = (views: Map<string, { body: unknown }>) =>
  new Map([...views].map(([path, { body }]) => [path, body]));

/** Everything stored of a provider's claims and analytics, read behind the app's back. */
async function storedState(providerId: string) {
  const query = async (text: string) =>
    (await ownerQuery(ctx.admin, providerId, text, [providerId])).rows;
  return {
    claims: await query('select * from claims where provider_id = $1 order by id'),
    version: await query('select version::text from provider_data_versions where provider_id = $1'),
    dirty: await query(
      `select month::text, dirty_version::text from analytics_dirty_months
        where provider_id = $1 order by month`,
    ),
    cache: (await rowsOf(ctx.admin, providerId)).map(({ computed_at: _, ...row }) => row),
  };
}

/** A response read as bytes, whatever its content type. */
const binary = (request: supertest.Test) =>
  request.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

async function dashboard(agent: Agent, query: string) {
  const response = await agent.get(`/api/v1/analytics/dashboard?${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body as { metrics: Record<string, unknown>; topHealthServiceCodes: unknown[] };
}

describe('two physicians', () => {
  const a = {} as {
    agent: Agent;
    providerId: string;
    userId: string;
    email: string;
    billing: string;
    ids: string[];
  };
  const b = {} as { agent: Agent; providerId: string; ids: string[] };
  let bBeforeA: Map<string, { text: string; body: unknown }>;

  beforeAll(async () => {
    const physicianB = await signUp(app);
    Object.assign(b, {
      agent: physicianB.agent,
      providerId: physicianB.providerId,
      ids: await bill(physicianB.agent, B_CLAIMS),
    });
    bBeforeA = await analyticsViews(b.agent);

    const physicianA = await signUp(app, { name: 'Dr. Alpha Isolation' });
    Object.assign(a, {
      agent: physicianA.agent,
      providerId: physicianA.providerId,
      userId: physicianA.response.body.userId,
      email: physicianA.credentials.email,
      billing: physicianA.credentials.billingNumber,
      ids: await bill(physicianA.agent, A_CLAIMS),
    });
  });

  /** What must never reach B: A's identity, claim ids, amounts, codes and figures. */
  async function secretsOfA(): Promise<string[]> {
    const figures = await dashboard(a.agent, 'period=last_12_months');
    const money = Object.values(figures.metrics).filter(
      (v): v is string => typeof v === 'string' && v !== '0.00',
    );
    const inBBeforeA = [...bBeforeA.values()].map((v) => v.text).join('\n');
    return [
      a.providerId,
      a.userId,
      a.email,
      a.billing,
      'Alpha',
      ...a.ids,
      ...A_STRINGS,
      ...A_CODES,
      // A's totals, unless B's own responses held the same figure before A existed.
      ...money.filter((m) => !inBBeforeA.includes(`"${m}"`)),
    ];
  }

  it("shows A its own claims, so that their absence from B's responses means something", async () => {
    const { metrics, topHealthServiceCodes } = await dashboard(a.agent, 'period=last_12_months');

    expect(metrics).toMatchObject({
      claimsCount: 5,
      billedAmount: '3553.29',
      paidCount: 2,
      paidAmount: '1320.98',
      rejectedCount: 2,
      assessedCount: 4,
      pendingAmount: '313.13',
    });
    expect(topHealthServiceCodes).toEqual(
      expect.arrayContaining([
        { healthServiceCode: '98.76Z', claimsCount: 3, billedAmount: '2351.28' },
        { healthServiceCode: '91.23W', claimsCount: 2, billedAmount: '1202.01' },
      ]),
    );
  });

  it("answers B's analytics exactly as before A's claims existed, with B's own figures", async () => {
    const after = await analyticsViews(b.agent);

    expect(bodies(after)).toEqual(bodies(bBeforeA));
    const all = await dashboard(b.agent, 'period=last_12_months');
    expect(all.metrics).toMatchObject({
      claimsCount: 3,
      billedAmount: '235.50',
      paidCount: 1,
      paidAmount: '100.00',
      rejectedCount: 1,
      assessedCount: 2,
      pendingAmount: '50.00',
    });
    const wcb = await dashboard(b.agent, 'period=last_12_months&claimType=WCB');
    expect(wcb.metrics).toMatchObject({ claimsCount: 1, billedAmount: '50.00', paidCount: 0 });
    const validation = after.get(validationPath(WINDOW));
    expect(validation?.body).toMatchObject({ consistent: true, mismatches: [] });
  });

  it("never puts any of A's ids, amounts, codes or figures in B's analytics responses", async () => {
    const secrets = await secretsOfA();
    const after = await analyticsViews(b.agent);

    for (const [path, { text }] of after) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${path} contains ${secret}: ${text}`).toBe(false);
      }
    }
    expect(after.get(metricsPath('claims_count,billed_amount', WINDOW, BY_A_CODE))?.body).toEqual(
      [],
    );
    // A figure names no provider: B's figures over the whole window are B's stored rows, all of
    // them and nothing else.
    const figures = [...after]
      .filter(([path]) => path.includes('/metrics?') && path.includes(`start=${WINDOW.start}&`))
      .filter(([path]) => !path.includes('dimensions='))
      .flatMap(([, { body }]) => body as Array<Record<string, unknown>>);
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) {
      expect(figure).not.toHaveProperty('providerId');
      expect(figure).not.toHaveProperty('id');
    }
    const keyOf = (f: Record<string, unknown>) => JSON.stringify(f);
    const stored = (await rowsOf(ctx.admin, b.providerId)).map((row) => ({
      metricKey: row.metric_key,
      periodStart: row.period_start,
      periodEnd: row.period_end,
      dimensions: row.dimensions,
      value: row.value,
      sourceVersion: row.source_version,
    }));
    expect(figures.map(keyOf).sort()).toEqual(stored.map(keyOf).sort());
  });

  it("answers B's reads of A's claims with 404 and leaves them untouched", async () => {
    const secrets = await secretsOfA();
    const before = await storedState(a.providerId);

    for (const id of a.ids) {
      const response = await b.agent.get(`/api/v1/claims/${id}`);
      expect(response.status, response.text).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
      for (const secret of secrets) expect(response.text).not.toContain(secret);
    }
    expect(await storedState(a.providerId)).toEqual(before);
  });

  it("answers B's transitions of A's claims with 404 and changes nothing of either", async () => {
    const secrets = await secretsOfA();
    const beforeA = await storedState(a.providerId);
    const beforeB = await storedState(b.providerId);
    // From each of A's states, every move the state machine would allow A.
    const moves: Array<{ to: ClaimState; feeAssessed?: string; explanatoryCodes?: string[] }> = [
      { to: 'submitted' },
      { to: 'paid' },
      { to: 'paid', feeAssessed: '313.13' },
      { to: 'adjusted', feeAssessed: '1.00', explanatoryCodes: ['21'] },
      { to: 'rejected', explanatoryCodes: ['05'] },
      { to: 'written_off' },
    ];

    for (const id of a.ids) {
      for (const move of moves) {
        const response = await b.agent.post(`/api/v1/claims/${id}/transitions`).send(move);
        expect(response.status, `${id} ${move.to}: ${response.text}`).toBe(404);
        expect(response.body.error.code).toBe('NOT_FOUND');
        for (const secret of secrets) expect(response.text).not.toContain(secret);
      }
    }
    expect(await storedState(a.providerId)).toEqual(beforeA);
    expect(await storedState(b.providerId)).toEqual(beforeB);
    const own = await a.agent.get(`/api/v1/claims/${a.ids[5]}`);
    expect(own.body).toMatchObject({ state: 'draft', feeSubmitted: '246.81', feeAssessed: null });
  });

  it("leaves A's figures as they were while B bills, moves claims and refreshes", async () => {
    const beforeViews = await analyticsViews(a.agent);
    const beforeStored = await storedState(a.providerId);

    const more = await bill(b.agent, [
      {
        claimType: 'WCB',
        healthServiceCode: '03.05B',
        dateOfService: THIS_MONTH,
        feeSubmitted: '432.10',
        path: [
          { to: 'submitted' },
          { to: 'adjusted', feeAssessed: '401.23', explanatoryCodes: ['21'] },
        ],
      },
      {
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: LAST_MONTH,
        feeSubmitted: '123.45',
        path: [
          { to: 'submitted' },
          { to: 'rejected', explanatoryCodes: ['05'] },
          { to: 'written_off' },
        ],
      },
    ]);
    const moved = await b.agent.post(`/api/v1/claims/${b.ids[3]}/transitions`).send({
      to: 'submitted',
    });
    expect(moved.status, moved.text).toBe(200);
    await refresh(b.agent);

    const afterViews = await analyticsViews(a.agent);
    expect(bodies(afterViews)).toEqual(bodies(beforeViews));
    expect(await storedState(a.providerId)).toEqual(beforeStored);
    for (const [path, { text }] of afterViews) {
      for (const secret of [
        b.providerId,
        ...b.ids,
        ...more,
        '432.10',
        '401.23',
        '123.45',
        '03.05B',
      ]) {
        expect(text.includes(secret), `${path} contains ${secret}`).toBe(false);
      }
    }
    const bNow = await dashboard(b.agent, 'period=last_12_months');
    expect(bNow.metrics).toMatchObject({ claimsCount: 6, billedAmount: '811.05' });
  });

  it("keeps A's statements and exports out of B's statements, and B's hands off A's", async () => {
    const base = '/api/v1/analytics/statements';
    const secrets = await secretsOfA();
    const mine = await a.agent.post(base).send({ period: 'last_12_months' });
    expect(mine.status, mine.text).toBe(201);
    const exported = await a.agent.get(`${base}/${mine.body.id}/export?format=csv`);
    expect(exported.status, exported.text).toBe(200);
    const theirs = await b.agent.post(base).send({ period: 'last_12_months' });
    expect(theirs.status, theirs.text).toBe(201);
    const aStatements = async () =>
      (
        await ownerQuery(
          ctx.admin,
          a.providerId,
          `select s.*, (select count(*) from analytics_statement_exports e
                       where e.provider_id = s.provider_id) as exports
           from analytics_statements s where s.provider_id = $1`,
          [a.providerId],
        )
      ).rows;
    const before = await aStatements();

    const reads = [
      base,
      `${base}?period=last_12_months`,
      `${base}/${theirs.body.id}`,
      `${base}/${theirs.body.id}/export?format=csv`,
      `${base}/${theirs.body.id}/export?format=pdf`,
      `${base}/${theirs.body.id}/exports`,
    ];
    for (const path of reads) {
      const request = b.agent.get(path);
      const response = await (path.endsWith('format=pdf') ? binary(request) : request);
      expect(response.status, response.text).toBe(200);
      // A PDF's text is compressed in its bytes: read it as a PDF reader would.
      const text = path.endsWith('format=pdf')
        ? (await readPdf(response.body as Buffer)).pages.join('\n')
        : response.text;
      for (const secret of [...secrets, mine.body.id, mine.body.contentSha256]) {
        expect(text.includes(secret), `${path} contains ${secret}`).toBe(false);
      }
    }
    for (const [method, path] of [
      ['get', `${base}/${mine.body.id}`],
      ['get', `${base}/${mine.body.id}/export?format=pdf`],
      ['get', `${base}/${mine.body.id}/exports`],
      ['delete', `${base}/${mine.body.id}`],
    ] as const) {
      const response = await b.agent[method](path);
      expect(response.status, `${method} ${path}`).toBe(404);
      for (const secret of secrets) expect(response.text ?? '').not.toContain(secret);
    }
    expect(await aStatements()).toEqual(before);
  });
});
