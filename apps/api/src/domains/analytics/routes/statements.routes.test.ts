import { Statement, StatementExportList, StatementList, systemClock } from '@meritum/shared';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../test/analytics-harness';
import { signUpWithClaims, useApp } from '../../../../test/app-harness';
import { dashboardFromClaims, periodsFromDatabase } from '../../../../test/dashboard-reference';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { countRows } from '../../../../test/row-counts';
import { signUp } from '../../../../test/sign-up';
import { buildApp } from '../../../app';
import { createAppPool, createDatabase } from '../../../db/client';
import { createServices } from '../../../services';

const ctx = useTestDatabase();
const app = useApp(ctx);

type Agent = Awaited<ReturnType<typeof signUp>>['agent'];
type Periods = Awaited<ReturnType<typeof periodsFromDatabase>>;

const BASE = '/api/v1/analytics/statements';
let periods: Periods;
let physician: { agent: Agent; providerId: string };
let other: { agent: Agent; providerId: string };

async function create(agent: Agent, body: Record<string, unknown>) {
  const response = await agent.post(BASE).send(body);
  expect(response.status, response.text).toBe(201);
  return Statement.parse(response.body);
}

beforeAll(async () => {
  periods = await periodsFromDatabase(ctx.admin);
  physician = await signUpWithClaims(app, ctx, { count: 1_200, seed: 21 });
  other = await signUpWithClaims(app, ctx, { count: 300, seed: 22 });
});

describe('POST /api/v1/analytics/statements', () => {
  it('freezes the period’s figures, equal to a computation straight from the claims', async () => {
    const response = await physician.agent
      .post(BASE)
      .send({ period: 'last_12_months', claimType: 'AHCIP' });

    expect(response.status, response.text).toBe(201);
    const statement = Statement.parse(response.body);
    expect(statement).toStrictEqual(response.body);
    expect(statement.period).toEqual(periods.last_12_months);
    expect(statement.claimType).toBe('AHCIP');
    expect(statement.state).toBe('current');
    expect(statement.figures.metrics).toEqual(
      await dashboardFromClaims(ctx.admin, physician.providerId, periods.last_12_months, 'AHCIP'),
    );
    expect(statement.claimsCountAtGeneration).toBe(statement.figures.metrics.claimsCount);
    expect(statement.claimsCountNow).toBe(statement.claimsCountAtGeneration);
    expect(statement.changedMonths).toEqual([]);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('re-runs the statement of a period: the same id, one row', async () => {
    const first = await create(physician.agent, { period: 'last_month' });
    const second = await create(physician.agent, { period: 'last_month' });

    expect(second.id).toBe(first.id);
    expect(second.contentSha256).not.toBe(first.contentSha256); // generated at another moment
    const { rows } = await ownerQuery(
      ctx.admin,
      physician.providerId,
      `select count(*)::int as n from analytics_statements
        where provider_id = $1 and period_start = $2 and claim_type = 'all'`,
      [physician.providerId, periods.last_month.start],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const before = await countRows(ctx.admin, physician.providerId, 'analytics_statements');
    const bodies = [
      {},
      { period: 'next_year' },
      { period: 'custom' },
      { period: 'custom', start: '2026-05-01', end: '2026-01-01' },
      { period: 'custom', start: '2020-01-01', end: '2026-01-31' },
      { period: 'this_month', start: '2026-01-01' },
      { period: 'this_month', claimType: 'OHIP' },
      { period: 'this_month', providerId: other.providerId },
    ];
    for (const body of bodies) {
      const response = await physician.agent.post(BASE).send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code, JSON.stringify(body)).toBe('VALIDATION_FAILED');
    }
    expect(await countRows(ctx.admin, physician.providerId, 'analytics_statements')).toBe(before);
  });

  it('answers 401 without a session', async () => {
    const response = await app.http().post(BASE).send({ period: 'this_month' });
    expect(response.status).toBe(401);
  });
});

describe('GET /api/v1/analytics/statements', () => {
  it('returns the stored statement of a period, as it was frozen', async () => {
    const created = await create(physician.agent, {
      period: 'custom',
      start: periods.this_quarter.start,
      end: periods.this_quarter.end,
      claimType: 'WCB',
    });

    const response = await physician.agent.get(`${BASE}?period=this_quarter&claimType=WCB`);

    expect(response.status, response.text).toBe(200);
    expect(Statement.parse(response.body)).toEqual(created);
  });

  it('answers 404 STATEMENT_NOT_FOUND for a period without one', async () => {
    const response = await physician.agent.get(
      `${BASE}?period=custom&start=2019-01-01&end=2019-03-31`,
    );
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('STATEMENT_NOT_FOUND');
  });

  it('lists the physician’s statements, newest first, never another’s', async () => {
    const a = await create(physician.agent, { period: 'this_month', claimType: 'AHCIP' });
    const b = await create(physician.agent, { period: 'this_month', claimType: 'WCB' });
    const theirs = await create(other.agent, { period: 'this_month' });

    const response = await physician.agent.get(BASE);

    expect(response.status, response.text).toBe(200);
    const list = StatementList.parse(response.body);
    expect(list).toStrictEqual(response.body);
    const ids = list.statements.map((s) => s.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    expect(ids).not.toContain(theirs.id);
    const generated = list.statements.map((s) => s.generatedAt);
    expect(generated).toEqual([...generated].sort().reverse());
    const listed = list.statements.find((s) => s.id === a.id);
    expect(listed?.metrics).toEqual(a.figures.metrics);
    expect(listed?.state).toBe('current');
  });

  it('takes a limit, and refuses what does not go with the list or a period', async () => {
    const limited = await physician.agent.get(`${BASE}?limit=1`);
    expect(limited.status).toBe(200);
    expect(limited.body.statements).toHaveLength(1);
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=ten',
      'claimType=WCB',
      'period=this_month&limit=5',
      'period=this_month&start=2026-01-01',
      'period=custom&start=2026-01-01',
      'period=soon',
      'sort=asc',
    ]) {
      const response = await physician.agent.get(`${BASE}?${query}`);
      expect(response.status, query).toBe(400);
    }
  });
});

describe('one statement: GET, DELETE, export, exports', () => {
  it('answers 404 for another physician’s statement everywhere, and changes nothing of it', async () => {
    const theirs = await create(other.agent, { period: 'last_month', claimType: 'AHCIP' });
    const paths = [
      ['get', `${BASE}/${theirs.id}`],
      ['delete', `${BASE}/${theirs.id}`],
      ['get', `${BASE}/${theirs.id}/export?format=csv`],
      ['get', `${BASE}/${theirs.id}/export?format=pdf`],
      ['get', `${BASE}/${theirs.id}/exports`],
    ] as const;
    for (const [method, path] of paths) {
      const response = await physician.agent[method](path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('STATEMENT_NOT_FOUND');
    }
    const still = await other.agent.get(`${BASE}/${theirs.id}`);
    expect(Statement.parse(still.body)).toEqual(theirs);
    expect(await countRows(ctx.admin, other.providerId, 'analytics_statement_exports')).toBe(0);
  });

  it('refuses a malformed id or format with a 400', async () => {
    const mine = await create(physician.agent, { period: 'last_month', claimType: 'WCB' });
    for (const path of [
      `${BASE}/not-a-uuid`,
      `${BASE}/${mine.id}/export`,
      `${BASE}/${mine.id}/export?format=xlsx`,
      `${BASE}/${mine.id}/export?format=csv&inline=1`,
      `${BASE}/${mine.id}?format=csv`,
    ]) {
      const response = await physician.agent.get(path);
      expect(response.status, path).toBe(400);
    }
    expect((await physician.agent.delete(`${BASE}/nope`)).status).toBe(400);
  });

  it('exports CSV and PDF as attachments named for the period, and records each export', async () => {
    const statement = await create(physician.agent, {
      period: 'custom',
      start: periods.last_month.start,
      end: periods.this_month.end,
    });
    const from = periods.last_month.start.slice(0, 7);
    const to = periods.this_month.start.slice(0, 7);

    const csv = await physician.agent.get(`${BASE}/${statement.id}/export?format=csv`);
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="meritum-statement-${from}-to-${to}-all-claims.csv"`,
    );
    expect(csv.headers['cache-control']).toBe('no-store');
    expect(csv.text).toContain(statement.figures.metrics.billedAmount);

    const pdf = await physician.agent
      .get(`${BASE}/${statement.id}/export?format=pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    const history = await physician.agent.get(`${BASE}/${statement.id}/exports`);
    expect(history.status, history.text).toBe(200);
    const { exports } = StatementExportList.parse(history.body);
    expect(exports.map((e) => e.format)).toEqual(['pdf', 'csv']);
    expect(exports[1]).toMatchObject({
      statementId: statement.id,
      statementSha256: statement.contentSha256,
      byteLength: Buffer.byteLength(csv.text),
      fileName: `meritum-statement-${from}-to-${to}-all-claims.csv`,
    });
  });

  it('deletes a statement with a 204, keeping the record of its exports', async () => {
    const statement = await create(physician.agent, { period: 'year_to_date', claimType: 'WCB' });
    const exported = await physician.agent.get(`${BASE}/${statement.id}/export?format=csv`);
    expect(exported.status, exported.text).toBe(200);

    const deleted = await physician.agent.delete(`${BASE}/${statement.id}`);

    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await physician.agent.get(`${BASE}/${statement.id}`)).status).toBe(404);
    expect((await physician.agent.delete(`${BASE}/${statement.id}`)).status).toBe(404);
    const history = await physician.agent.get(`${BASE}/${statement.id}/exports`);
    expect(history.status).toBe(200);
    expect(history.body.exports).toHaveLength(1);
  });
});

describe('a statement across a restart of the API', () => {
  /** An API instance of its own: its own pool, services and app, as a new process would have. */
  async function startApi() {
    const pool = createAppPool(ctx.url, { max: 4, applicationName: 'meritum-test-restart' });
    const db = createDatabase(pool);
    const services = createServices({ db, pool, clock: systemClock, logger: silentLogger });
    const api = await buildApp({ db, services });
    await api.ready();
    return {
      http: () => supertest(api.server),
      async stop() {
        await services.close();
        await api.close();
        await pool.end();
      },
    };
  }

  it('is there, unchanged and current, after the API that froze it stopped', async () => {
    const signed = await signUp(app);
    const cookie = signed.response.headers['set-cookie'] as unknown as string[];
    const first = await startApi();
    const created = await first
      .http()
      .post(BASE)
      .set('Cookie', cookie)
      .send({ period: 'last_12_months', claimType: 'WCB' });
    expect(created.status, created.text).toBe(201);
    await first.stop();

    const second = await startApi();
    try {
      const read = await second
        .http()
        .get(`${BASE}?period=last_12_months&claimType=WCB`)
        .set('Cookie', cookie);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual(created.body);
      expect(read.body.state).toBe('current');
      const exported = await second
        .http()
        .get(`${BASE}/${created.body.id}/export?format=csv`)
        .set('Cookie', cookie);
      expect(exported.status, exported.text).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
