import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPath, isApiRequest } from './api-proxy';
import { createWebServer } from './web-server';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A raw request, so the path goes out exactly as written (fetch would resolve '..'). */
async function send(
  origin: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/`, { path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the /api proxy', () => {
  const seen: Seen[] = [];
  // Stands in for the API: echoes what reached it, with a header of the kind Next adds.
  const api = createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    });
    res.setHeader('x-middleware-rewrite', 'http://10.0.0.7:3000/api/v1/echo');
    res.setHeader('x-powered-by', 'Fastify');
    res.setHeader('keep-alive', 'timeout=72');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true }));
  });
  const pages: string[] = [];
  const logs: string[] = [];
  let web: Server;
  let dead: Server;
  let webOrigin = '';
  let deadOrigin = '';

  beforeAll(async () => {
    const apiOrigin = await listen(api);
    const handlePage = async (req: IncomingMessage, res: ServerResponse) => {
      pages.push(req.url ?? '');
      res.setHeader('x-middleware-next', '1');
      res.writeHead(200, { 'content-type': 'text/html', 'X-Powered-By': 'Next.js' });
      res.end('<p>page</p>');
    };
    web = createWebServer({ apiOrigin, handlePage, log: (line) => logs.push(line) });
    webOrigin = await listen(web);
    // A port that was just free: nothing listens there.
    const probe = createServer();
    const unused = await listen(probe);
    await close(probe);
    dead = createWebServer({ apiOrigin: unused, handlePage, log: (line) => logs.push(line) });
    deadOrigin = await listen(dead);
  });

  afterAll(async () => {
    await Promise.all([close(web), close(dead), close(api)]);
  });

  it('appends the address it was called from to whatever X-Forwarded-For the client sent', async () => {
    const response = await send(webOrigin, '/api/v1/echo?x=1', {
      'x-forwarded-for': '203.0.113.9, 198.51.100.4',
      'x-forwarded-host': 'evil.example',
    });

    expect(response.status).toBe(200);
    const last = seen.at(-1);
    expect(last?.url).toBe('/api/v1/echo?x=1');
    // The API trusts one hop: the last entry, which is the address this proxy saw.
    expect(last?.headers['x-forwarded-for']).toBe('203.0.113.9, 198.51.100.4, 127.0.0.1');
    expect(last?.headers['x-forwarded-host']).toBe(new URL(webOrigin).host);
    expect(last?.headers['x-forwarded-proto']).toBe('http');
  });

  it('gives the socket’s address alone when the client sent no X-Forwarded-For', async () => {
    await send(webOrigin, '/api/v1/echo');

    expect(seen.at(-1)?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('keeps the scheme a TLS-terminating proxy in front reports', async () => {
    await send(webOrigin, '/api/v1/echo', { 'x-forwarded-proto': 'https' });

    expect(seen.at(-1)?.headers['x-forwarded-proto']).toBe('https');
  });

  it('passes no internal header back, from the API or from a page', async () => {
    const fromApi = await send(webOrigin, '/api/v1/echo');
    const fromPage = await send(webOrigin, '/sign-in');

    expect(fromPage.body).toBe('<p>page</p>');
    for (const { headers } of [fromApi, fromPage]) {
      expect(
        Object.keys(headers).filter((name) => /^x-middleware-|^x-powered-by$/.test(name)),
      ).toEqual([]);
    }
    // Hop-by-hop: the API's keep-alive is its own connection's, not the browser's.
    expect(fromApi.headers['keep-alive']).not.toBe('timeout=72');
  });

  it('reaches nothing outside the API’s /api, however the path is spelled', async () => {
    const before = seen.length;
    for (const path of [
      '/api/%2e%2e/docs',
      '/api/%2E%2E/ready',
      '/api/v1/%2e%2e/%2e%2e/health',
      '/api/../docs',
      '/api/v1/../../ready',
      '/api',
    ]) {
      const response = await send(webOrigin, path);
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.body), path).toEqual({
        error: { code: 'NOT_FOUND', message: 'no such API route' },
      });
    }
    expect(seen.length).toBe(before);
  });

  it('answers a clear 502 when the API does not answer, and logs why', async () => {
    const response = await send(deadOrigin, '/api/v1/auth/me');

    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'API_UNAVAILABLE', message: expect.stringMatching(/not answering/) },
    });
    expect(logs.at(-1)).toMatch(/GET \/api\/v1\/auth\/me: ECONNREFUSED/);
  });

  it('sends every other path to the pages, untouched', async () => {
    await send(webOrigin, '/apiary?x=1');
    await send(webOrigin, '/statements');

    expect(pages.slice(-2)).toEqual(['/apiary?x=1', '/statements']);
  });
});

describe('apiPath', () => {
  it('keeps a path under /api/ with its query', () => {
    expect(apiPath('/api/v1/analytics/dashboard?period=this_month')).toBe(
      '/api/v1/analytics/dashboard?period=this_month',
    );
  });

  it('refuses paths that resolve elsewhere or name another host', () => {
    expect(apiPath('/api/%2e%2e/docs')).toBeNull();
    expect(apiPath('//evil.example/api/v1')).toBeNull();
    expect(apiPath('/api')).toBeNull();
  });

  it('takes only the request line’s own /api as the API’s', () => {
    expect(isApiRequest('/api/v1/auth/me')).toBe(true);
    expect(isApiRequest('/api?x')).toBe(true);
    expect(isApiRequest('/apiary')).toBe(false);
    expect(isApiRequest('http://127.0.0.1:3000/api/v1')).toBe(false);
  });
});
