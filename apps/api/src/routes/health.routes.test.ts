import { afterAll, describe, expect, it } from 'vitest';
import { useApp } from '../../test/app-harness';
import { useTestDatabase } from '../../test/db';
import { buildApp } from '../app';
import { createAppPool, createDatabase } from '../db/client';

const ctx = useTestDatabase();
const app = useApp(ctx);

describe('health, readiness and the API documentation', () => {
  it('answers /health while the process runs', async () => {
    const response = await app.http().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers /ready when the database does', async () => {
    const response = await app.http().get('/ready');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready' });
  });

  describe('with the database unreachable', () => {
    // Nothing listens on port 1: every connection attempt is refused.
    const deadPool = createAppPool('postgres://meritum@127.0.0.1:1/meritum', { max: 1 });
    afterAll(() => deadPool.end());

    it('answers /ready with 503 and says why, while /health still answers', async () => {
      const unready = await buildApp({ db: createDatabase(deadPool), services: app.services });
      try {
        const ready = await unready.inject({ method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json().error).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
        expect(ready.json().error.requestId).toBe(ready.headers['x-request-id']);
        expect((await unready.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      } finally {
        await unready.close();
      }
    });
  });

  it('serves the OpenAPI document, listing every route, and its UI at /docs', async () => {
    const ui = await app.http().get('/docs/').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');

    const doc = await app.http().get('/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths).sort()).toEqual([
      '/api/v1/analytics/dashboard',
      '/api/v1/analytics/metrics',
      '/api/v1/analytics/refresh',
      '/api/v1/analytics/statements',
      '/api/v1/analytics/statements/{id}',
      '/api/v1/analytics/statements/{id}/export',
      '/api/v1/analytics/statements/{id}/exports',
      '/api/v1/analytics/validation',
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/me',
      '/api/v1/auth/password',
      '/api/v1/auth/sign-out-everywhere',
      '/api/v1/auth/signup',
      '/api/v1/claims',
      '/api/v1/claims/{id}',
      '/api/v1/claims/{id}/transitions',
      '/health',
      '/ready',
    ]);
    const dashboard = doc.body.paths['/api/v1/analytics/dashboard'].get;
    expect(dashboard.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'claimType',
      'end',
      'period',
      'start',
    ]);
  });

  it('declares every operation’s answers: its success with a schema, and its errors', async () => {
    const doc = await app.http().get('/docs/json');
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(doc.body.paths)) {
      for (const [method, operation] of Object.entries(
        operations as Record<string, { responses?: Record<string, { content?: unknown }> }>,
      )) {
        const responses = operation.responses ?? {};
        const success = Object.entries(responses).filter(([status]) => /^2/.test(status));
        const described =
          success.length > 0 &&
          success.every(([status, r]) => status === '204' || r.content !== undefined);
        // /health answers from the process alone: it has no failure of its own to declare.
        const errorsDeclared = path === '/health' || (responses['4XX'] && responses['5XX']);
        if (!described || !errorsDeclared) {
          missing.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('answers an unknown route with 404 in the one error shape', async () => {
    const response = await app.http().get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
