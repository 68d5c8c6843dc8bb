import {
  ClaimDetailResponse,
  ClaimListResponse,
  edmontonDateString,
  encodeClaimCursor,
} from '@meritum/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUpWithClaims, useApp } from '../../../../test/app-harness';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import type { SignedUp } from '../../../../test/sign-up';
import { withProviderScope } from '../../../db/provider-scope';

const ctx = useTestDatabase();
const app = useApp(ctx);

type Agent = SignedUp['agent'];

const today = edmontonDateString(new Date());

async function list(agent: Agent, query: string) {
  const response = await agent.get(`/api/v1/claims?${query}`);
  expect(response.status, response.text).toBe(200);
  // Parsing holds the answer to the schema every client reads (instants become Dates).
  return ClaimListResponse.parse(response.body);
}

/** Every page of a list, following nextCursor. */
async function allPages(agent: Agent, query: string, limit: number, from: string | null = null) {
  const ids: string[] = [];
  let cursor: string | null = from;
  do {
    const after: string = cursor ? `&cursor=${cursor}` : '';
    const page = await list(agent, `${query}&limit=${limit}${after}`);
    expect(page.claims.length).toBeLessThanOrEqual(limit);
    ids.push(...page.claims.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

async function created(agent: Agent, body: Record<string, string>) {
  const response = await agent.post('/api/v1/claims').send({
    claimType: 'AHCIP',
    healthServiceCode: '03.03A',
    feeSubmitted: '41.72',
    ...body,
  });
  expect(response.status, response.text).toBe(201);
  return response.body.id as string;
}

async function move(agent: Agent, id: string, body: object) {
  const response = await agent.post(`/api/v1/claims/${id}/transitions`).send(body);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

let physician: SignedUp;
let other: SignedUp;

beforeAll(async () => {
  physician = await signUpWithClaims(app, ctx, { count: 400, seed: 31 });
  other = await signUpWithClaims(app, ctx, { count: 120, seed: 32 });
});

describe('GET /api/v1/claims/:id', () => {
  it('answers the claim with its history, from creation, in order, with amounts and codes', async () => {
    const { agent } = physician;
    const id = await created(agent, { dateOfService: today, feeSubmitted: '89.64' });
    await move(agent, id, { to: 'submitted' });
    const refused = await move(agent, id, { to: 'rejected', explanatoryCodes: ['05', 'WR12'] });
    expect(refused.explanatoryCodes).toEqual(['05', 'WR12']);
    const resubmitted = await move(agent, id, { to: 'submitted' });
    expect(resubmitted.explanatoryCodes).toEqual([]);
    await move(agent, id, { to: 'adjusted', feeAssessed: '80.00', explanatoryCodes: ['21'] });

    const response = await agent.get(`/api/v1/claims/${id}`);
    expect(response.status, response.text).toBe(200);
    const claim = ClaimDetailResponse.parse(response.body);
    expect(claim).toMatchObject({ id, state: 'adjusted', explanatoryCodes: ['21'] });
    expect(
      claim.history.map(({ fromState, toState, feeAssessed, explanatoryCodes, feeSubmitted }) => ({
        fromState,
        toState,
        feeSubmitted,
        feeAssessed,
        explanatoryCodes,
      })),
    ).toEqual([
      {
        fromState: null,
        toState: 'draft',
        feeSubmitted: '89.64',
        feeAssessed: null,
        explanatoryCodes: [],
      },
      {
        fromState: 'draft',
        toState: 'submitted',
        feeSubmitted: '89.64',
        feeAssessed: null,
        explanatoryCodes: [],
      },
      {
        fromState: 'submitted',
        toState: 'rejected',
        feeSubmitted: '89.64',
        feeAssessed: null,
        explanatoryCodes: ['05', 'WR12'],
      },
      {
        fromState: 'rejected',
        toState: 'submitted',
        feeSubmitted: '89.64',
        feeAssessed: null,
        explanatoryCodes: [],
      },
      {
        fromState: 'submitted',
        toState: 'adjusted',
        feeSubmitted: '89.64',
        feeAssessed: '80.00',
        explanatoryCodes: ['21'],
      },
    ]);
    const times = claim.history.map((e) => e.occurredAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(response.body.history[0]).not.toHaveProperty('providerId');
  });

  it('records no event for a refused move or a move that lost a race', async () => {
    const { agent } = physician;
    const id = await created(agent, { dateOfService: today });
    const refused = await agent.post(`/api/v1/claims/${id}/transitions`).send({ to: 'paid' });
    expect(refused.status).toBe(409);
    const { body } = await agent.get(`/api/v1/claims/${id}`);
    expect(body.history.map((e: { toState: string }) => e.toState)).toEqual(['draft']);
  });

  it("answers 404 for another physician's claim, and never shows its history", async () => {
    const [theirs] = (await list(other.agent, 'limit=1')).claims;
    const response = await physician.agent.get(`/api/v1/claims/${theirs?.id}`);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain(String(theirs?.feeSubmitted));
  });
});

describe('GET /api/v1/claims', () => {
  it('pages through every claim once, newest date of service first, with totals of them all', async () => {
    const { agent } = physician;
    const all = await list(agent, 'limit=200');
    const ids = await allPages(agent, 'claimType=AHCIP', 37);
    const ahcip = await list(agent, 'claimType=AHCIP&limit=1');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(ahcip.totals.count);
    expect(all.totals.count).toBeGreaterThan(400);
    const dates = all.claims.map((c) => c.dateOfService);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('keeps its pages stable while claims are added between them', async () => {
    const { agent } = physician;
    const query = 'state=paid';
    const before = await allPages(agent, query, 50);
    const first = await list(agent, `${query}&limit=50`);
    // Claims added mid-walk, dated at the top, in the middle and at the bottom of the order.
    const middle = first.claims.at(-1)?.dateOfService ?? today;
    for (const dateOfService of [today, middle, '2017-01-05']) {
      const id = await created(agent, { dateOfService });
      await move(agent, id, { to: 'submitted' });
      await move(agent, id, { to: 'paid' });
    }
    const rest = await allPages(agent, query, 50, first.nextCursor);
    const walked = [...first.claims.map((c) => c.id), ...rest];
    // Every claim of the first walk, once and in its place; new ones only after the cursor.
    expect(walked.filter((id) => before.includes(id))).toEqual(before);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('filters on every field a figure implies, and its totals cover the whole selection', async () => {
    const { agent } = physician;
    const { rows } = await ownerQuery(
      ctx.admin,
      physician.providerId,
      `select count(*)::int as count, coalesce(sum(fee_submitted), 0)::numeric(16,2)::text as submitted,
              coalesce(sum(fee_assessed), 0)::numeric(16,2)::text as assessed
         from claims
        where provider_id = $1 and claim_type = 'AHCIP' and state in ('rejected', 'written_off')
          and explanatory_codes @> array['05'] and health_service_code = '03.03A'
          and date_of_service between $2::date - 365 and $2::date`,
      [physician.providerId, today],
    );
    const yearAgo = new Date(Date.parse(today) - 365 * 86_400_000).toISOString().slice(0, 10);
    const got = await list(
      agent,
      `serviceFrom=${yearAgo}&serviceTo=${today}&claimType=AHCIP&state=rejected&state=written_off` +
        '&explanatoryCode=05&healthServiceCode=03.03A&limit=2',
    );
    expect(got.totals).toEqual({
      count: rows[0].count,
      feeSubmitted: rows[0].submitted,
      feeAssessed: rows[0].assessed,
    });
    expect(rows[0].count).toBeGreaterThan(0);
    for (const claim of got.claims) {
      expect(claim).toMatchObject({ claimType: 'AHCIP', healthServiceCode: '03.03A' });
      expect(['rejected', 'written_off']).toContain(claim.state);
      expect(claim.explanatoryCodes).toContain('05');
    }
  });

  it('takes payment dates as Edmonton dates', async () => {
    const { agent } = physician;
    // A day of the synthetic history, paid at mid-morning: not today, whose payments made by
    // the tests themselves may lie in the hour after midnight where Node's time-zone data and
    // the database's disagree on Edmonton's offset (docs/decisions.md).
    const { rows } = await ownerQuery(
      ctx.admin,
      physician.providerId,
      `select (paid_at at time zone 'America/Edmonton')::date::text as day, count(*)::int as n
         from claims where provider_id = $1 and paid_at < now() - interval '2 days'
        group by 1 order by 2 desc, 1 limit 1`,
      [physician.providerId],
    );
    const { day, n } = rows[0] as { day: string; n: number };
    const got = await list(agent, `paidFrom=${day}&paidTo=${day}&limit=200`);
    expect(got.totals.count).toBe(n);
    for (const claim of got.claims) {
      expect(edmontonDateString(claim.paidAt as Date)).toBe(day);
    }
  });

  it('lists none of another physician’s claims, whatever the filters', async () => {
    const theirs = await list(other.agent, 'limit=200');
    const mine = await allPages(physician.agent, 'state=rejected&state=written_off', 200);
    for (const claim of theirs.claims) expect(mine).not.toContain(claim.id);
    // Their newest claim as a cursor only places the page; it shows nothing of theirs.
    const last = theirs.claims[0];
    if (!last) throw new Error('the other physician has claims');
    const after = await list(physician.agent, `cursor=${encodeClaimCursor(last)}&limit=200`);
    for (const claim of after.claims) {
      expect(claim.providerId).toBe(physician.providerId);
      expect(claim.id).not.toBe(last.id);
    }
  });
});

describe('claim history in the database', () => {
  it('cannot be changed or removed by the application role, even for its own provider', async () => {
    const { providerId } = physician;
    await expect(
      withProviderScope(ctx.db, providerId, (tx) =>
        tx.db.execute(
          sql`update claim_events set to_state = 'paid' where provider_id = ${providerId}`,
        ),
      ),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
    await expect(
      withProviderScope(ctx.db, providerId, (tx) =>
        tx.db.execute(sql`delete from claim_events where provider_id = ${providerId}`),
      ),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
    await expect(
      withProviderScope(ctx.db, providerId, (tx) => tx.db.execute(sql`truncate claim_events`)),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
  });

  it('shows a provider only its own events, and refuses an event appended for another', async () => {
    const mine = physician.providerId;
    const theirs = other.providerId;
    const seen = await withProviderScope(ctx.db, mine, (tx) =>
      tx.db.execute<{ provider_id: string }>(
        sql`select distinct provider_id::text from claim_events`,
      ),
    );
    expect(seen.rows).toEqual([{ provider_id: mine }]);
    const { rows } = await ownerQuery(
      ctx.admin,
      theirs,
      'select claim_id from claim_events where provider_id = $1 limit 1',
      [theirs],
    );
    await expect(
      withProviderScope(ctx.db, mine, (tx) =>
        tx.db.execute(
          sql`insert into claim_events (provider_id, claim_id, seq, to_state, fee_submitted, explanatory_codes, occurred_at)
              values (${theirs}, ${rows[0].claim_id}, 99, 'paid', 1, '{}', now())`,
        ),
      ),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42501' }) });
  });

  it('holds an event for every claim, appended with it, as many as its changes of state', async () => {
    const { rows } = await ownerQuery(
      ctx.admin,
      physician.providerId,
      `select count(*)::int as missing from claims c
        where c.provider_id = $1
          and not exists (select 1 from claim_events e
                           where e.provider_id = c.provider_id and e.claim_id = c.id and e.seq = 1)`,
      [physician.providerId],
    );
    expect(rows[0].missing).toBe(0);
  });
});
