import { describe, expect, inject, it } from 'vitest';

const e2e = inject('e2e');

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
});
