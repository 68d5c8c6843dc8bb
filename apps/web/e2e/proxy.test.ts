import { describe, expect, inject, it } from 'vitest';

const e2e = inject('e2e');

/** Headers that would tell an attacker about the servers behind the page. */
function internalHeaders(response: Response): string[] {
  return [...response.headers.keys()].filter((name) =>
    /^x-middleware-|^x-powered-by$|^x-nextjs-(cache|prerender|matched-path)$/.test(name),
  );
}

/** The nonce in a page's Content-Security-Policy, and the nonces on its script tags. */
function nonces(response: Response, html: string) {
  const policy = response.headers.get('content-security-policy') ?? '';
  const fromPolicy = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(policy)?.[1];
  const onScripts = [...html.matchAll(/<script\b[^>]*\snonce="([^"]+)"/g)].map((m) => m[1]);
  const scripts = html.match(/<script\b/g)?.length ?? 0;
  return { policy, fromPolicy, onScripts, scripts };
}

/** The web app's /api proxy, asked directly (no browser), as an attacker would. */
describe.skipIf(!e2e)('the /api proxy', () => {
  const web = e2e?.webUrl ?? '';

  it('passes API routes on, with the API’s own answers', async () => {
    const me = await fetch(`${web}/api/v1/auth/me`);

    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('reaches nothing of the API outside /api, even through an encoded ../', async () => {
    for (const path of ['/api/%2e%2e/docs', '/api/%2E%2E/ready', '/api/v1/%2e%2e/%2e%2e/health']) {
      const response = await fetch(`${web}${path}`);
      // The proxy's 404, or Next's own page when Next resolved the path before the proxy ran.
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toMatch(/swagger|"ready"|"ok"/i);
    }
  });

  it('lets the API refuse a state-changing request from another site', async () => {
    const response = await fetch(`${web}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({
        email: 'amelia.chen@demo.meritum.ca',
        password: 'demo-password-chen',
      }),
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the same request from the page’s own origin', async () => {
    const response = await fetch(`${web}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: web },
      body: JSON.stringify({
        email: 'amelia.chen@demo.meritum.ca',
        password: 'demo-password-chen',
      }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^meritum_session=/);
  });

  it('tells nothing about the servers behind it, on API answers, pages and static files', async () => {
    const signIn = await fetch(`${web}/sign-in`);
    const script = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(await signIn.text())?.[1];
    expect(script).toBeDefined();
    const answers = {
      apiAnswer: await fetch(`${web}/api/v1/auth/me`),
      apiNotFound: await fetch(`${web}/api/v1/no-such-route`),
      proxyNotFound: await fetch(`${web}/api/%2e%2e/docs`),
      page: signIn,
      redirect: await fetch(`${web}/`, { redirect: 'manual' }),
      pageNotFound: await fetch(`${web}/no-such-page`),
      staticFile: await fetch(`${web}${script}`),
      icon: await fetch(`${web}/icon.svg`),
    };

    expect(answers.apiNotFound.status).toBe(404);
    expect(answers.redirect.status).toBe(307);
    expect(answers.staticFile.status).toBe(200);
    for (const [what, response] of Object.entries(answers)) {
      expect(internalHeaders(response), what).toEqual([]);
      expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
    }
  });

  it('serves each page with its own script nonce, on every script tag', async () => {
    const first = await fetch(`${web}/sign-in`);
    const second = await fetch(`${web}/sign-in`);
    const a = nonces(first, await first.text());
    const b = nonces(second, await second.text());

    expect(a.fromPolicy).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(a.scripts).toBeGreaterThan(3);
    expect(a.onScripts).toHaveLength(a.scripts);
    expect(new Set(a.onScripts)).toEqual(new Set([a.fromPolicy]));
    expect(new Set(b.onScripts)).toEqual(new Set([b.fromPolicy]));
    expect(b.fromPolicy).not.toBe(a.fromPolicy);
  });

  it('forbids framing, plugins, inline scripts and other origins on pages', async () => {
    for (const path of ['/sign-in', '/sign-up', '/statements', '/no-such-page']) {
      const response = await fetch(`${web}${path}`, { redirect: 'manual' });
      const policy = response.headers.get('content-security-policy') ?? '';

      expect(policy, path).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(policy, path).toMatch(/(^|; )object-src 'none'(;|$)/);
      expect(policy, path).toMatch(/(^|; )base-uri 'none'(;|$)/);
      expect(policy, path).toMatch(/(^|; )form-action 'self'(;|$)/);
      expect(policy, path).toMatch(/(^|; )default-src 'self'(;|$)/);
      expect(/(?:^|; )script-src ([^;]*)/.exec(policy)?.[1], path).not.toMatch(/unsafe-inline|\*/);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('referrer-policy'), path).toBe('same-origin');
    }
  });

  it('sends a page asked for as a prefetch with its policy too, nonces matching', async () => {
    // A browser's <link rel="prefetch"> sends Sec-Purpose (older ones Purpose); any client can
    // send Next's own prefetch header without asking for the router's payload.
    const prefetches: Array<Record<string, string>> = [
      { purpose: 'prefetch' },
      { 'sec-purpose': 'prefetch' },
      { 'next-router-prefetch': '1' },
    ];
    for (const headers of prefetches) {
      const response = await fetch(`${web}/sign-in`, { headers });
      const label = JSON.stringify(headers);
      expect(response.headers.get('content-type'), label).toMatch(/^text\/html/);
      const page = nonces(response, await response.text());
      expect(page.policy, label).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(page.scripts, label).toBeGreaterThan(3);
      expect(new Set(page.onScripts), label).toEqual(new Set([page.fromPolicy]));
    }
  });

  it('lets no forged X-Forwarded-Host carry another site past the Origin check', async () => {
    // The proxy tells the API the host the browser asked for, whatever a client claims; what it
    // does with X-Forwarded-For is shown against an echo server in src/server/api-proxy.test.ts.
    const response = await fetch(`${web}/api/v1/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-for': '203.0.113.9',
      },
      body: JSON.stringify({ email: 'amelia.chen@demo.meritum.ca', password: 'wrong' }),
    });

    expect(response.status).toBe(403);
  });
});
