import type { Response, Test } from 'supertest';
import { describe, expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { uniqueAddress } from '../test/http-session';
import { signUp } from '../test/sign-up';
import { accountKey, createLoginThrottle } from './domains/auth/login-throttle';

/**
 * Limits that hold: per account with backoff, per address as the trusted proxy hop saw it,
 * per physician on the routes that recompute, shared by every instance through PostgreSQL.
 */
const ctx = useTestDatabase();

const WEB = 'http://127.0.0.1:3001';
const PASSWORD = 'correct horse battery staple';

function expectLimited(response: Response) {
  expect(response.status, response.text).toBe(429);
  expect(response.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.headers['set-cookie']).toBeUndefined();
}

/** As the bundled web proxy sends it: whatever the client wrote, then the address it saw. */
const viaProxy = (request: Test, forwardedFor: string) =>
  request
    .set('Origin', WEB)
    .set('X-Forwarded-Host', new URL(WEB).host)
    .set('X-Forwarded-Proto', 'http')
    .set('X-Forwarded-For', forwardedFor);

describe('password guessing', () => {
  const app = useApp(ctx, { trustProxy: 'loopback' });

  it('locks an account after five wrong passwords whatever addresses they claim, the right one included', async () => {
    const { credentials } = await signUp(app);
    const attempt = (password: string) =>
      viaProxy(
        app.http().post('/api/v1/auth/login'),
        `${uniqueAddress()}, ${uniqueAddress()}`,
      ).send({
        email: credentials.email,
        password,
      });

    for (let i = 0; i < 5; i++) {
      expect((await attempt('not the right password')).status).toBe(401);
    }
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await attempt('still not it'));
    const right = await attempt(PASSWORD);

    for (const answer of answers) expectLimited(answer);
    expectLimited(right);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(25);
  });

  it('locks an unknown email the same way, so a lock tells nothing of who is registered', async () => {
    const email = `nobody.${Date.now()}@example.ca`;
    const attempt = () =>
      viaProxy(app.http().post('/api/v1/auth/login'), uniqueAddress()).send({
        email,
        password: 'a guess',
      });

    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    expectLimited(await attempt());
  });

  it('forgets the failures once the right password gets in', async () => {
    const { credentials } = await signUp(app);
    const attempt = (password: string) =>
      viaProxy(app.http().post('/api/v1/auth/login'), uniqueAddress()).send({
        email: credentials.email,
        password,
      });

    for (let i = 0; i < 4; i++) expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt(PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt(PASSWORD)).status).toBe(200);
  });
});

describe('the per-account backoff', () => {
  /** Seconds the account's lock has left, read from the shared table; 0 when none. */
  async function lockSeconds(email: string): Promise<number> {
    const { rows } = await ctx.admin.query<{ expire: string }>(
      'select expire from rate_limits where key = $1',
      [`login-lock:${accountKey(email)}`],
    );
    const expire = Number(rows[0]?.expire ?? 0);
    return Math.max(0, Math.round((expire - Date.now()) / 1000));
  }

  it('doubles the lock with each failure past the fifth, up to fifteen minutes, and keeps it through a success', async () => {
    const throttle = createLoginThrottle(ctx.pool);
    const email = `backoff.${Date.now()}@example.ca`;
    const locks: number[] = [];

    for (let failure = 1; failure <= 12; failure++) {
      expect(await throttle.attempt(email, async () => false)).toBe(false);
      locks.push(await lockSeconds(email));
      // The lock's end, brought forward: the next attempt is the first one after it.
      await ctx.admin.query('delete from rate_limits where key = $1', [
        `login-lock:${accountKey(email)}`,
      ]);
    }

    expect(locks).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
    expect(await throttle.attempt(email, async () => true)).toBe(true);
    // The success forgot the failures: the next failure is the first of a new run.
    await throttle.attempt(email, async () => false);
    expect(await lockSeconds(email)).toBe(0);
  });

  it('refuses an attempt while the account is locked without checking its password', async () => {
    const throttle = createLoginThrottle(ctx.pool);
    const email = `locked.${Date.now()}@example.ca`;
    for (let i = 0; i < 5; i++) await throttle.attempt(email, async () => false);
    let checked = false;

    const refused = throttle.attempt(email, async () => {
      checked = true;
      return true;
    });

    await expect(refused).rejects.toMatchObject({ code: 'RATE_LIMITED', statusCode: 429 });
    expect(checked).toBe(false);
  });

  it('checks guesses sent together one at a time: the rest are refused before any password is checked', async () => {
    const throttle = createLoginThrottle(ctx.pool);
    const email = `burst.${Date.now()}@example.ca`;
    let checking = 0;
    let mostAtOnce = 0;
    const guess = () =>
      throttle.attempt(email, async () => {
        checking += 1;
        mostAtOnce = Math.max(mostAtOnce, checking);
        await new Promise((resolve) => setTimeout(resolve, 50));
        checking -= 1;
        return false;
      });

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, guess));

    expect(mostAtOnce).toBe(1);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(15);
    for (const o of refused) expect(o.reason).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('the address behind the trusted proxy hop', () => {
  const app = useApp(ctx, {
    trustProxy: 'loopback',
    limits: { login: { max: 3, windowSeconds: 60 } },
  });

  it('counts a client forging X-Forwarded-For as the address the proxy saw', async () => {
    const client = uniqueAddress();
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await viaProxy(app.http().post('/api/v1/auth/login'), `${uniqueAddress()}, ${client}`).send(
          {
            email: `guess.${i}.${Date.now()}@example.ca`,
            password: 'a guess',
          },
        ),
      );
    }

    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([401, 401, 401]);
    expectLimited(answers[3] as Response);
    // Another browser behind the same proxy is not locked out by it.
    const other = await viaProxy(app.http().post('/api/v1/auth/login'), uniqueAddress()).send({
      email: `guess.other.${Date.now()}@example.ca`,
      password: 'a guess',
    });
    expect(other.status).toBe(401);
  });
});

describe('addresses of one IPv6 network', () => {
  const app = useApp(ctx, {
    trustProxy: 'loopback',
    limits: { login: { max: 3, windowSeconds: 60 } },
  });

  it('are one client: a /64 is what one subscriber gets to choose from', async () => {
    const network = uniqueAddress().replace(/::1$/, '');
    const answers = [];
    for (let host = 1; host <= 4; host++) {
      answers.push(
        await viaProxy(app.http().post('/api/v1/auth/login'), `${network}::${host}`).send({
          email: `v6.${host}.${Date.now()}@example.ca`,
          password: 'a guess',
        }),
      );
    }

    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([401, 401, 401]);
    expectLimited(answers[3] as Response);
  });
});

describe('sign-up', () => {
  const app = useApp(ctx, {
    trustProxy: 'loopback',
    limits: { signup: { max: 3, windowSeconds: 3600 } },
  });

  it('is limited per address, and a refused sign-up writes nothing', async () => {
    const client = uniqueAddress();
    const stamp = Date.now();
    const signup = (i: number) =>
      viaProxy(app.http().post('/api/v1/auth/signup'), client).send({
        email: `limited.${stamp}.${i}@example.ca`,
        password: PASSWORD,
        name: `Dr. Limited ${stamp} ${i}`,
        billingNumber: `LM-${stamp % 1_000_000}-${i}`,
      });
    const created = async () => {
      const { rows } = await ctx.admin.query<{ n: number }>(
        'select count(*)::int as n from providers where name like $1',
        [`Dr. Limited ${stamp} %`],
      );
      return rows[0]?.n;
    };

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await signup(i));

    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([202, 202, 202]);
    for (const refused of answers.slice(3)) expectLimited(refused);
    expect(await created()).toBe(3);
  });
});

describe('the routes that recompute, per physician', () => {
  const limits = {
    refresh: { max: 2, windowSeconds: 60 },
    validation: { max: 2, windowSeconds: 60 },
    statements: { max: 2, windowSeconds: 60 },
  };
  const app = useApp(ctx, { trustProxy: 'loopback', limits });
  const second = useApp(ctx, { trustProxy: 'loopback', limits });

  const requests = {
    refresh: (a: ReturnType<typeof app.http>) => a.post('/api/v1/analytics/refresh'),
    validation: (a: ReturnType<typeof app.http>) =>
      a.get('/api/v1/analytics/validation?start=2026-01-01&end=2026-01-31'),
    statements: (a: ReturnType<typeof app.http>) =>
      a.post('/api/v1/analytics/statements').send({ period: 'last_month' }),
  };

  for (const [name, send] of Object.entries(requests)) {
    it(`limits ${name} per physician, from any address and on any instance`, async () => {
      const { agent, response } = await signUp(app);
      const cookie = [response.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0] ?? '';
      const elsewhere = second.http().set('Cookie', cookie);
      const stranger = await signUp(app);

      const first = await send(agent).set('X-Forwarded-For', uniqueAddress());
      const onSecond = await send(elsewhere).set('X-Forwarded-For', uniqueAddress());
      const third = await send(agent).set('X-Forwarded-For', uniqueAddress());

      expect(first.status, first.text).toBeLessThan(300);
      expect(onSecond.status, onSecond.text).toBeLessThan(300);
      expectLimited(third);
      const other = await send(stranger.agent);
      expect(other.status, other.text).toBeLessThan(300);
    });
  }

  it('checks the request before counting it: bad input is a 400 that spends nothing', async () => {
    const { agent } = await signUp(app);

    for (let i = 0; i < 3; i++) {
      const bad = await agent.get('/api/v1/analytics/validation?start=2026-02-01&end=2026-01-01');
      expect(bad.status, bad.text).toBe(400);
    }
    const good = await requests.validation(agent);
    expect(good.status, good.text).toBe(200);
  });
});

describe('caching of answers', () => {
  const app = useApp(ctx);

  it('marks every answer no-store: figures, claims, profile, errors and sign-in alike', async () => {
    const { agent, credentials } = await signUp(app);
    const answers = [
      await agent.get('/api/v1/analytics/dashboard?period=this_month'),
      await agent.get('/api/v1/auth/me'),
      await agent.get('/api/v1/claims/00000000-0000-4000-8000-000000000000'),
      await agent.get('/api/v1/analytics/statements'),
      await app.http().get('/api/v1/auth/me'),
      await app
        .http()
        .post('/api/v1/auth/login')
        .send({ email: credentials.email, password: credentials.password }),
    ];

    for (const answer of answers) {
      expect(answer.headers['cache-control'], `${answer.status} ${answer.text}`).toBe('no-store');
    }
  });
});
