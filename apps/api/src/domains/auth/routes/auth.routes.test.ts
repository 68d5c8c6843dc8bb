import { createHash } from 'node:crypto';
import { Profile } from '@meritum/shared';
import type { Response, Test } from 'supertest';
import { describe, expect, it } from 'vitest';
import { useApp } from '../../../../test/app-harness';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { uniqueAddress } from '../../../../test/http-session';
import { signUp } from '../../../../test/sign-up';
import { SESSION_COOKIE } from '../../../plugins/sessions';

const ctx = useTestDatabase();

const HOUR_MS = 60 * 60 * 1000;
const FOREIGN_ORIGIN = 'https://evil.example';
// Supertest listens on a new port per request: naming the host keeps Origin and Host comparable.
const HOST = 'api.meritum.test';

const newClaim = {
  claimType: 'AHCIP',
  healthServiceCode: '03.03A',
  dateOfService: '2026-01-15',
  feeSubmitted: '85.50',
};

interface SetCookie {
  value: string;
  attributes: Map<string, string>;
}

/** The session cookie a response sets, attributes keyed in lower case; undefined if none. */
function sessionCookieOf(response: Response): SetCookie | undefined {
  const header = response.headers['set-cookie'] as string[] | string | undefined;
  const cookies = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const line = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!line) return undefined;
  const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
  return {
    value: decodeURIComponent(pair.slice(SESSION_COOKIE.length + 1)),
    attributes: new Map(
      attributes.map((attribute) => {
        const [name = '', ...rest] = attribute.split('=');
        return [name.toLowerCase(), rest.join('=')] as const;
      }),
    ),
  };
}

function tokenOf(response: Response): string {
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(response.headers)}`);
  return cookie.value;
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

async function sessionRows(providerId: string) {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select id, provider_id, user_id, secret_hash, expires_at, created_at
       from sessions where provider_id = $1 order by created_at`,
    [providerId],
  );
  return rows as Array<{ id: string; secret_hash: string; expires_at: Date }>;
}

async function sessionRow(token: string) {
  const id = token.split('.')[0] ?? '';
  const { rows } = await ctx.admin.query<{ id: string; secret_hash: string; expires_at: Date }>(
    'select id, secret_hash, expires_at from sessions where id = $1',
    [id],
  );
  return rows[0];
}

async function setSessionExpiry(providerId: string, token: string, interval: string) {
  await ownerQuery(
    ctx.admin,
    providerId,
    `update sessions set expires_at = now() + $2::interval where provider_id = $1 and id = $3`,
    [providerId, interval, token.split('.')[0]],
  );
}

async function countOf(providerId: string, table: 'claims' | 'analytics_refresh_state') {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select count(*)::int as n from ${table} where provider_id = $1`,
    [providerId],
  );
  return (rows[0] as { n: number }).n;
}

async function providersNamed(name: string) {
  const { rows } = await ctx.admin.query<{ n: number }>(
    'select count(*)::int as n from providers where name = $1',
    [name],
  );
  return rows[0]?.n;
}

function expectError(response: Response, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toEqual({
    error: { code, message: expect.any(String), requestId: expect.any(String) },
  });
  expect(response.body.error.message.length).toBeGreaterThan(0);
}

/** The Expires attribute of a cookie, as epoch milliseconds. */
function expiresOf(cookie: SetCookie | undefined): number {
  return new Date(cookie?.attributes.get('expires') ?? '').getTime();
}

/** The default absolute lifetime: twelve hours from sign-in. */
function expectAboutTwelveHoursOut(at: number) {
  const expected = Date.now() + 12 * HOUR_MS;
  expect(Math.abs(at - expected)).toBeLessThan(10 * 60 * 1000);
}

describe('sign-up, login, logout and me', () => {
  const app = useApp(ctx);

  it('accepts a sign-up with 202 and no session, and the physician then signs in with it', async () => {
    const credentials = {
      email: `Signup.${Date.now()}@Example.ca`,
      password: 'correct horse battery staple',
      name: 'Dr. Signup Test',
      billingNumber: `SU-${Date.now() % 1_000_000_000}`,
    };
    const response = await app.http().post('/api/v1/auth/signup').send(credentials);

    expect(response.status, response.text).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', message: expect.any(String) });
    expect(sessionCookieOf(response)).toBeUndefined();
    expect(await providersNamed(credentials.name)).toBe(1);
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: credentials.password });
    expect(login.status, login.text).toBe(200);
    expect(login.body).toEqual({
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      providerId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: credentials.email.toLowerCase(),
      name: credentials.name,
      billingNumber: credentials.billingNumber,
    });
    expect(login.text).not.toContain(credentials.password);
    expect(login.text).not.toMatch(/argon2|passwordHash|secret/i);
    expect(tokenOf(login)).toMatch(/^[a-z2-7]{32}\.[a-z2-7]{32}$/);
  });

  it('logs in with 200, the profile and a new session whose token differs from the last one', async () => {
    const signup = await signUp(app);
    const signupToken = tokenOf(signup.response);

    const login = await app.http().post('/api/v1/auth/login').send({
      email: signup.credentials.email.toUpperCase(),
      password: signup.credentials.password,
    });

    expect(login.status, login.text).toBe(200);
    expect(login.body).toEqual(signup.response.body);
    const loginToken = tokenOf(login);
    expect(loginToken).not.toBe(signupToken);
    expect(loginToken.split('.')[0]).not.toBe(signupToken.split('.')[0]);
    expect(await sessionRows(signup.providerId)).toHaveLength(2);
    const me = await app
      .http()
      .get('/api/v1/auth/me')
      .set('Cookie', `${SESSION_COOKIE}=${loginToken}`);
    expect(me.status, me.text).toBe(200);
    expect(me.body.providerId).toBe(signup.providerId);
  });

  it("answers me with the profile of the session's own provider", async () => {
    const first = await signUp(app);
    const second = await signUp(app);

    const [meFirst, meSecond] = await Promise.all([
      first.agent.get('/api/v1/auth/me'),
      second.agent.get('/api/v1/auth/me'),
    ]);

    expect(meFirst.status, meFirst.text).toBe(200);
    expect(Profile.parse(meFirst.body)).toStrictEqual(meFirst.body); // no key the schema lacks
    expect(meFirst.body).toEqual(first.response.body);
    expect(meSecond.body).toEqual(second.response.body);
    expect(meFirst.body.providerId).not.toBe(meSecond.body.providerId);
    expect(meFirst.text).not.toContain(second.providerId);
  });

  it('logs out with 204, clears the cookie, deletes the session row and refuses the old token', async () => {
    const { agent, providerId, response } = await signUp(app);
    const token = tokenOf(response);
    const other = await app.http().post('/api/v1/auth/login').send({
      email: response.body.email,
      password: 'correct horse battery staple',
    });
    expect(await sessionRow(token)).toBeDefined();

    const logout = await agent.post('/api/v1/auth/logout');

    expect(logout.status, logout.text).toBe(204);
    expect(logout.text).toBe('');
    const cleared = sessionCookieOf(logout);
    expect(cleared?.value).toBe('');
    expect(expiresOf(cleared)).toBeLessThan(Date.now());
    expect(cleared?.attributes.get('path')).toBe('/');
    expect(await sessionRow(token)).toBeUndefined();
    // Only that session ends: the one opened by the other login lives on.
    expect((await sessionRows(providerId)).map((s) => s.id)).toEqual([
      tokenOf(other).split('.')[0],
    ]);
    const replay = await app
      .http()
      .get('/api/v1/auth/me')
      .set('Cookie', `${SESSION_COOKIE}=${token}`);
    expectError(replay, 401, 'UNAUTHENTICATED');
    expectError(await agent.get('/api/v1/auth/me'), 401, 'UNAUTHENTICATED');
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, on Path=/ and for 12 hours, without Secure by default', async () => {
    const { response } = await signUp(app);
    const cookie = sessionCookieOf(response);

    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.get('samesite')).toBe('Lax');
    expect(cookie?.attributes.get('path')).toBe('/');
    expect(cookie?.attributes.has('secure')).toBe(false);
    expect(cookie?.attributes.has('domain')).toBe(false);
    expectAboutTwelveHoursOut(expiresOf(cookie));
  });

  it('stores only the SHA-256 of the token secret, never the token', async () => {
    const { response, providerId } = await signUp(app);
    const token = tokenOf(response);
    const [id = '', secret = ''] = token.split('.');

    const rows = await sessionRows(providerId);

    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.id).toBe(id);
    expect(row?.secret_hash).toBe(sha256Hex(secret));
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);
    expectAboutTwelveHoursOut(row?.expires_at.getTime() ?? 0);
  });

  it('gives a wrong password and an unknown email the same 401 INVALID_CREDENTIALS', async () => {
    const { credentials } = await signUp(app);

    const wrongPassword = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: 'not the right password' });
    const unknownEmail = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: `nobody.${Date.now()}@example.ca`, password: credentials.password });

    expectError(wrongPassword, 401, 'INVALID_CREDENTIALS');
    expectError(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect({ ...wrongPassword.body.error, requestId: '' }).toEqual({
      ...unknownEmail.body.error,
      requestId: '',
    });
    expect(sessionCookieOf(wrongPassword)).toBeUndefined();
    expect(sessionCookieOf(unknownEmail)).toBeUndefined();
  });

  it('answers a sign-up with a taken email (in any case) or billing number as it answers a new one, and writes nothing', async () => {
    const { credentials, providerId } = await signUp(app);
    const takenEmail = `Dr. Duplicate Email ${Date.now()}`;
    const takenBilling = `Dr. Duplicate Billing ${Date.now()}`;
    const fresh = `Dr. Fresh ${Date.now()}`;
    const email = `duplicate.billing.${Date.now()}@example.ca`;
    const send = (body: object) => app.http().post('/api/v1/auth/signup').send(body);

    const answers = [
      await send({
        ...credentials,
        email: credentials.email.toUpperCase(),
        name: takenEmail,
        billingNumber: `DE-${Date.now() % 1_000_000_000}`,
      }),
      await send({ ...credentials, email, name: takenBilling }),
      await send({
        ...credentials,
        email: `fresh.${Date.now()}@example.ca`,
        name: fresh,
        billingNumber: `FR-${Date.now() % 1_000_000_000}`,
      }),
    ];

    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(202);
      expect(answer.body).toEqual(answers[2]?.body);
      expect(sessionCookieOf(answer)).toBeUndefined();
      expect(Object.keys(answer.headers).sort()).toEqual(
        Object.keys(answers[2]?.headers ?? {}).sort(),
      );
    }
    expect(await providersNamed(takenEmail)).toBe(0);
    expect(await providersNamed(takenBilling)).toBe(0);
    expect(await providersNamed(fresh)).toBe(1);
    const { rows } = await ctx.admin.query('select 1 from users where email = $1', [email]);
    expect(rows).toHaveLength(0);
    // The account that held the email keeps its password.
    expect(await sessionRows(providerId)).toHaveLength(1);
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: credentials.password });
    expect(login.status, login.text).toBe(200);
  });
});

describe('requests without a valid session', () => {
  const app = useApp(ctx);

  it('refuses a request with no cookie with 401 UNAUTHENTICATED', async () => {
    for (const path of [
      '/api/v1/auth/me',
      '/api/v1/claims/00000000-0000-4000-8000-000000000000',
      '/api/v1/analytics/dashboard?period=this_month',
    ]) {
      expectError(await app.http().get(path), 401, 'UNAUTHENTICATED');
    }
    expectError(await app.http().post('/api/v1/claims').send(newClaim), 401, 'UNAUTHENTICATED');
  });

  it('refuses garbage, forged and tampered cookies with 401 UNAUTHENTICATED', async () => {
    const { response, providerId } = await signUp(app);
    const [id = '', secret = ''] = tokenOf(response).split('.');
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    const forged = [
      'garbage',
      `${id}`,
      `${id}.`,
      `${id}.${flipped}`,
      `${'a'.repeat(32)}.${secret}`,
    ];
    // Idle for a while, so that a forged token counted as activity would show.
    await ownerQuery(
      ctx.admin,
      providerId,
      `update sessions set last_active_at = now() - interval '5 minutes' where provider_id = $1`,
      [providerId],
    );
    const before = await sessionRow(`${id}.${secret}`);

    for (const token of forged) {
      const me = await app
        .http()
        .get('/api/v1/auth/me')
        .set('Cookie', `${SESSION_COOKIE}=${token}`);
      expectError(me, 401, 'UNAUTHENTICATED');
      expect(sessionCookieOf(me)?.value).toBe(''); // cleared, as Lucia's guide does
      const logout = await app
        .http()
        .post('/api/v1/auth/logout')
        .set('Cookie', `${SESSION_COOKIE}=${token}`);
      expect(logout.status, logout.text).toBe(204);
    }

    // A wrong secret neither ends the real session nor counts as its activity.
    expect(await sessionRow(`${id}.${secret}`)).toEqual(before);
    const genuine = await app
      .http()
      .get('/api/v1/auth/me')
      .set('Cookie', `${SESSION_COOKIE}=${id}.${secret}`);
    expect(genuine.status, genuine.text).toBe(200);
  });

  it('refuses an expired session with 401 SESSION_EXPIRED, clears the cookie and deletes it', async () => {
    const { agent, providerId, response } = await signUp(app);
    const token = tokenOf(response);
    await setSessionExpiry(providerId, token, '-1 minute');

    const me = await agent.get('/api/v1/auth/me');
    expectError(me, 401, 'SESSION_EXPIRED');
    expect(sessionCookieOf(me)?.value).toBe('');
    expect(await sessionRow(token)).toBeUndefined();
    expectError(await agent.get('/api/v1/auth/me'), 401, 'UNAUTHENTICATED');
  });

  it('never sends the cookie again on later requests: its expiry is the absolute one', async () => {
    const { agent } = await signUp(app);

    const me = await agent.get('/api/v1/auth/me');

    expect(me.status, me.text).toBe(200);
    expect(sessionCookieOf(me)).toBeUndefined();
  });
});

describe('state-changing requests from another site', () => {
  const app = useApp(ctx);

  const from = (origin: string | undefined) => (request: Test) => {
    request.set('Host', HOST);
    return origin === undefined ? request : request.set('Origin', origin);
  };
  const foreign = from(FOREIGN_ORIGIN);
  const sameSite = from(`http://${HOST}`); // the app serves plain HTTP in tests
  const curl = from(undefined);

  it('refuses POST /claims from another site with 403 FORBIDDEN_ORIGIN and writes nothing', async () => {
    const { agent, providerId } = await signUp(app);

    for (const origin of [
      FOREIGN_ORIGIN,
      'null',
      `https://${HOST}.evil.example`,
      'http://127.0.0.1:1',
      `https://${HOST}`, // same host, another scheme
      `http://${HOST}:8080`, // same host, another port
    ]) {
      const response = await from(origin)(agent.post('/api/v1/claims')).send(newClaim);
      expectError(response, 403, 'FORBIDDEN_ORIGIN');
    }
    expect(await countOf(providerId, 'claims')).toBe(0);

    expect((await sameSite(agent.post('/api/v1/claims')).send(newClaim)).status).toBe(201);
    expect((await curl(agent.post('/api/v1/claims')).send(newClaim)).status).toBe(201);
    expect(await countOf(providerId, 'claims')).toBe(2);
  });

  it('refuses a claim transition from another site and leaves the claim as it was', async () => {
    const { agent, providerId } = await signUp(app);
    const created = await agent.post('/api/v1/claims').send(newClaim);
    const id = created.body.id as string;
    const claimRow = async () =>
      (await ownerQuery(ctx.admin, providerId, 'select * from claims where id = $1', [id])).rows[0];
    const before = await claimRow();

    const refused = await foreign(agent.post(`/api/v1/claims/${id}/transitions`)).send({
      to: 'submitted',
    });

    expectError(refused, 403, 'FORBIDDEN_ORIGIN');
    expect(await claimRow()).toEqual(before);
    const submitted = await sameSite(agent.post(`/api/v1/claims/${id}/transitions`)).send({
      to: 'submitted',
    });
    expect(submitted.status, submitted.text).toBe(200);
    const paid = await curl(agent.post(`/api/v1/claims/${id}/transitions`)).send({ to: 'paid' });
    expect(paid.status, paid.text).toBe(200);
    expect((await claimRow())?.state).toBe('paid');
  });

  it('refuses a refresh from another site and computes nothing', async () => {
    const { agent, providerId } = await signUp(app);

    expectError(await foreign(agent.post('/api/v1/analytics/refresh')), 403, 'FORBIDDEN_ORIGIN');
    expect(await countOf(providerId, 'analytics_refresh_state')).toBe(0);

    const same = await sameSite(agent.post('/api/v1/analytics/refresh'));
    expect(same.status, same.text).toBe(200);
    expect(same.body.status).toBe('refreshed');
    expect(await countOf(providerId, 'analytics_refresh_state')).toBe(1);
    const fromCurl = await curl(agent.post('/api/v1/analytics/refresh'));
    expect(fromCurl.status, fromCurl.text).toBe(200);
  });

  it('refuses a sign-up or login from another site and opens no session', async () => {
    const { credentials, providerId } = await signUp(app);
    const name = `Dr. Cross Site ${Date.now()}`;

    const signup = await foreign(app.http().post('/api/v1/auth/signup')).send({
      ...credentials,
      email: `cross.site.${Date.now()}@example.ca`,
      billingNumber: `CS-${Date.now() % 1_000_000_000}`,
      name,
    });
    const login = await foreign(app.http().post('/api/v1/auth/login')).send({
      email: credentials.email,
      password: credentials.password,
    });

    expectError(signup, 403, 'FORBIDDEN_ORIGIN');
    expectError(login, 403, 'FORBIDDEN_ORIGIN');
    expect(sessionCookieOf(signup)).toBeUndefined();
    expect(sessionCookieOf(login)).toBeUndefined();
    expect(await providersNamed(name)).toBe(0);
    expect(await sessionRows(providerId)).toHaveLength(1);
  });

  it('refuses a logout from another site and keeps the session', async () => {
    const { agent, response } = await signUp(app);
    const token = tokenOf(response);

    const refused = await foreign(agent.post('/api/v1/auth/logout'));

    expectError(refused, 403, 'FORBIDDEN_ORIGIN');
    expect(sessionCookieOf(refused)).toBeUndefined();
    expect(await sessionRow(token)).toBeDefined();
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    expect((await sameSite(agent.post('/api/v1/auth/logout'))).status).toBe(204);
    expect(await sessionRow(token)).toBeUndefined();

    const second = await signUp(app);
    expect((await curl(second.agent.post('/api/v1/auth/logout'))).status).toBe(204);
    expect(await sessionRow(tokenOf(second.response))).toBeUndefined();
  });

  it('ignores X-Forwarded-Host, which any client can send, without a trusted proxy', async () => {
    const { agent, providerId } = await signUp(app);

    const response = await foreign(agent.post('/api/v1/claims'))
      .set('X-Forwarded-Host', new URL(FOREIGN_ORIGIN).host)
      .set('X-Forwarded-Proto', 'https')
      .send(newClaim);

    expectError(response, 403, 'FORBIDDEN_ORIGIN');
    expect(await countOf(providerId, 'claims')).toBe(0);
  });

  it('checks the Origin of state-changing requests only: a read from another site passes', async () => {
    const { agent } = await signUp(app);

    const me = await foreign(agent.get('/api/v1/auth/me'));

    expect(me.status, me.text).toBe(200);
  });
});

describe('with secure cookies', () => {
  const app = useApp(ctx, { secureCookies: true });

  it('marks the session cookie Secure when logging in and logging out', async () => {
    const { response, credentials } = await signUp(app);
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: credentials.password });
    const logout = await app
      .http()
      .post('/api/v1/auth/logout')
      .set('Cookie', `${SESSION_COOKIE}=${tokenOf(login)}`);

    for (const cookie of [
      sessionCookieOf(response),
      sessionCookieOf(login),
      sessionCookieOf(logout),
    ]) {
      expect(cookie?.attributes.has('secure')).toBe(true);
      expect(cookie?.attributes.has('httponly')).toBe(true);
      expect(cookie?.attributes.get('samesite')).toBe('Lax');
    }
    expect(logout.status).toBe(204);
  });
});

describe('behind the web app’s proxy (trustProxy: loopback)', () => {
  const app = useApp(ctx, {
    trustProxy: 'loopback',
    limits: { login: { max: 2, windowSeconds: 60 } },
  });
  // Physicians are signed up (and in) outside the limit under test, then use this app.
  const unlimited = useApp(ctx);
  const signedIn = async () => {
    const signed = await signUp(unlimited);
    const agent = app.http().set('Cookie', `${SESSION_COOKIE}=${tokenOf(signed.response)}`);
    return { ...signed, agent };
  };
  const WEB = 'http://127.0.0.1:3001';
  const viaProxy = (request: Test, origin: string, client = '203.0.113.7') =>
    request
      .set('Origin', origin)
      .set('X-Forwarded-Host', new URL(WEB).host)
      .set('X-Forwarded-Proto', 'http')
      .set('X-Forwarded-For', client);

  it('accepts a state-changing request whose Origin is the page the proxy serves', async () => {
    const { agent, providerId } = await signedIn();

    const response = await viaProxy(agent.post('/api/v1/claims'), WEB).send(newClaim);

    expect(response.status, response.text).toBe(201);
    expect(await countOf(providerId, 'claims')).toBe(1);
  });

  it('still refuses another site’s Origin that comes through the proxy', async () => {
    const { agent, providerId } = await signedIn();

    const response = await viaProxy(agent.post('/api/v1/claims'), FOREIGN_ORIGIN).send(newClaim);

    expectError(response, 403, 'FORBIDDEN_ORIGIN');
    expect(await countOf(providerId, 'claims')).toBe(0);
  });

  it('limits logins per browser address, not per proxy: one client’s failures do not lock out another', async () => {
    const { credentials } = await signUp(unlimited);
    const [failing, other] = [uniqueAddress(), uniqueAddress()];
    const attempt = (client: string, password: string) =>
      viaProxy(app.http().post('/api/v1/auth/login'), WEB, client).send({
        email: credentials.email,
        password,
      });

    for (let i = 0; i < 2; i++) {
      expectError(await attempt(failing, 'not the right password'), 401, 'INVALID_CREDENTIALS');
    }
    expectError(await attempt(failing, credentials.password), 429, 'RATE_LIMITED');
    const elsewhere = await attempt(other, credentials.password);
    expect(elsewhere.status, elsewhere.text).toBe(200);
  });
});
