import { BACKGROUND_REQUEST_HEADER } from '@meritum/shared';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { useApp } from '../../../../test/app-harness';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { signUp } from '../../../../test/sign-up';
import { SESSION_COOKIE } from '../../../plugins/sessions';

/** Sessions that fit a clinic: idle and absolute limits, sign out everywhere, password change. */
const ctx = useTestDatabase();
const app = useApp(ctx);

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';

function expectError(response: Response, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
}

const cookieOf = (response: Response) => {
  const header = [response.headers['set-cookie'] ?? []].flat() as string[];
  return header.find((line) => line.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
};

/** Moves a session's last activity (or start) back in time, as the owner. */
async function age(providerId: string, column: 'last_active_at' | 'expires_at', by: string) {
  // Read, then written as values: Citus takes no STABLE function of a column (timestamptz minus
  // an interval) in an UPDATE.
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select id, ${column === 'expires_at' ? 'now()' : column} - $2::interval as at
       from sessions where provider_id = $1`,
    [providerId, by],
  );
  for (const { id, at } of rows) {
    await ownerQuery(ctx.admin, providerId, `update sessions set ${column} = $2 where id = $1`, [
      id,
      at,
    ]);
  }
}

async function lastActive(providerId: string): Promise<Date[]> {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    'select last_active_at from sessions where provider_id = $1 order by created_at',
    [providerId],
  );
  return rows.map((row) => (row as { last_active_at: Date }).last_active_at);
}

/** A second browser of the same physician: its own login, its own cookie. */
async function secondBrowser(email: string, password = PASSWORD) {
  const login = await app.http().post('/api/v1/auth/login').send({ email, password });
  expect(login.status, login.text).toBe(200);
  return app.http().set('Cookie', cookieOf(login) ?? '');
}

describe('the idle timeout', () => {
  it('ends a session 30 minutes after its last request, with 401 SESSION_IDLE, and clears the cookie', async () => {
    const { agent, providerId } = await signUp(app);
    await age(providerId, 'last_active_at', '30 minutes 1 second');

    const me = await agent.get('/api/v1/auth/me');

    expectError(me, 401, 'SESSION_IDLE');
    expect(cookieOf(me)).toBe(`${SESSION_COOKIE}=`);
    expect(await lastActive(providerId)).toEqual([]);
  });

  it('is not pushed back by background polling, so an unattended page still signs out', async () => {
    const { agent, providerId } = await signUp(app);
    await age(providerId, 'last_active_at', '20 minutes');
    const [before] = await lastActive(providerId);

    const polled = await agent
      .get('/api/v1/analytics/dashboard?period=this_month')
      .set(BACKGROUND_REQUEST_HEADER, '1');
    expect(polled.status, polled.text).toBe(200);
    expect(await lastActive(providerId)).toEqual([before]);

    await age(providerId, 'last_active_at', '11 minutes');
    const later = await agent
      .get('/api/v1/analytics/dashboard?period=this_month')
      .set(BACKGROUND_REQUEST_HEADER, '1');
    expectError(later, 401, 'SESSION_IDLE');
  });

  it('is pushed back by a request the user made', async () => {
    const { agent, providerId } = await signUp(app);
    await age(providerId, 'last_active_at', '29 minutes');

    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    const [touched] = await lastActive(providerId);
    expect(Date.now() - (touched?.getTime() ?? 0)).toBeLessThan(60_000);

    await age(providerId, 'last_active_at', '29 minutes');
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
  });
});

describe('the absolute lifetime', () => {
  it('ends a session 12 hours after sign-in however active it was, with 401 SESSION_EXPIRED', async () => {
    const { agent, providerId } = await signUp(app);
    // Signed in 12 hours ago, used a second ago.
    await age(providerId, 'expires_at', '1 second');

    const me = await agent.get('/api/v1/auth/me');

    expectError(me, 401, 'SESSION_EXPIRED');
    expect(cookieOf(me)).toBe(`${SESSION_COOKIE}=`);
  });
});

describe('sign out everywhere', () => {
  it('ends every session of the physician, each browser told why, and no other physician’s', async () => {
    const { agent, credentials, providerId } = await signUp(app);
    const other = await secondBrowser(credentials.email);
    const stranger = await signUp(app);

    const out = await agent.post('/api/v1/auth/sign-out-everywhere');

    expect(out.status, out.text).toBe(204);
    expect(cookieOf(out)).toBe(`${SESSION_COOKIE}=`);
    expectError(await other.get('/api/v1/auth/me'), 401, 'SESSION_SIGNED_OUT_EVERYWHERE');
    expectError(await agent.get('/api/v1/auth/me'), 401, 'UNAUTHENTICATED');
    expect((await stranger.agent.get('/api/v1/auth/me')).status).toBe(200);
    const { rows } = await ownerQuery(
      ctx.admin,
      providerId,
      'select end_reason from sessions where provider_id = $1',
      [providerId],
    );
    expect(rows).toEqual([
      { end_reason: 'signed_out_everywhere' },
      { end_reason: 'signed_out_everywhere' },
    ]);
  });

  it('needs a session', async () => {
    expectError(await app.http().post('/api/v1/auth/sign-out-everywhere'), 401, 'UNAUTHENTICATED');
  });
});

describe('password change', () => {
  it('sets the new password, ends every session with SESSION_PASSWORD_CHANGED and signs this browser in anew', async () => {
    const { agent, credentials, response } = await signUp(app);
    const before = cookieOf(response) ?? '';
    const other = await secondBrowser(credentials.email);

    const changed = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });

    expect(changed.status, changed.text).toBe(204);
    const after = cookieOf(changed) ?? '';
    expect(after).toMatch(new RegExp(`^${SESSION_COOKIE}=[a-z2-7]{32}\\.[a-z2-7]{32}$`));
    expect(after).not.toBe(before);
    expect((await app.http().get('/api/v1/auth/me').set('Cookie', after)).status).toBe(200);
    // The cookie this browser held before the change is as ended as the other browser's.
    expectError(
      await app.http().get('/api/v1/auth/me').set('Cookie', before),
      401,
      'SESSION_PASSWORD_CHANGED',
    );
    expectError(await other.get('/api/v1/auth/me'), 401, 'SESSION_PASSWORD_CHANGED');
    const login = (password: string) =>
      app.http().post('/api/v1/auth/login').send({ email: credentials.email, password });
    expectError(await login(PASSWORD), 401, 'INVALID_CREDENTIALS');
    expect((await login(NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a change from a session ended meanwhile, and one from a password already changed', async () => {
    const { agent, credentials } = await signUp(app);
    const other = await secondBrowser(credentials.email);
    const change = (from: typeof agent) =>
      from
        .post('/api/v1/auth/password')
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });

    expect((await change(agent)).status).toBe(204);
    // The other browser's session ended with the change: it may not change the password again.
    expectError(await change(other), 401, 'SESSION_PASSWORD_CHANGED');
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: NEW_PASSWORD });
    expect(login.status, login.text).toBe(200);
  });

  it('refuses a wrong current password with 403 and changes nothing', async () => {
    const { agent, credentials } = await signUp(app);
    const other = await secondBrowser(credentials.email);

    const refused = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: 'not the password', newPassword: NEW_PASSWORD });

    expectError(refused, 403, 'INVALID_CURRENT_PASSWORD');
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    expect((await other.get('/api/v1/auth/me')).status).toBe(200);
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: PASSWORD });
    expect(login.status, login.text).toBe(200);
  });

  it('refuses a new password too short with 400 and changes nothing', async () => {
    const { agent, credentials } = await signUp(app);

    const refused = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: PASSWORD, newPassword: 'short' });

    expectError(refused, 400, 'VALIDATION_FAILED');
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .send({ email: credentials.email, password: PASSWORD });
    expect(login.status, login.text).toBe(200);
  });

  it('counts wrong current passwords against the account, as logins do', async () => {
    const { agent } = await signUp(app);
    const attempt = () =>
      agent
        .post('/api/v1/auth/password')
        .send({ currentPassword: 'not the password', newPassword: NEW_PASSWORD });

    for (let i = 0; i < 5; i++) expectError(await attempt(), 403, 'INVALID_CURRENT_PASSWORD');
    const locked = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });

    expectError(locked, 429, 'RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });
});
