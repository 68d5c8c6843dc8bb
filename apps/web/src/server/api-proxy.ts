import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';

/** Whether a request line's target is this site's /api, before any normalisation. */
export function isApiRequest(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * The path and query to ask the API for, or null when the request does not resolve under /api/.
 * Resolved as the API's router would see it: the URL parser counts '%2e%2e' as '..' and '\' as
 * '/', so '/api/%2e%2e/docs' is '/docs', which is not the browser's to reach.
 */
export function apiPath(url: string): string | null {
  const base = 'http://api.invalid';
  const resolved = new URL(url, base);
  if (resolved.origin !== base || !resolved.pathname.startsWith('/api/')) return null;
  return `${resolved.pathname}${resolved.search}`;
}

/**
 * What the API is told about the browser, in the X-Forwarded-* headers it believes from this one
 * hop. X-Forwarded-For gets the socket's address appended, so its last entry is always an address
 * this server saw, whatever a client wrote before it; the Origin check reads the host the browser
 * asked for and the scheme (a TLS-terminating proxy in front says https).
 */
export function setForwardedHeaders(req: IncomingMessage, remoteAddress: string): void {
  const headers = req.headers;
  const claimed = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = claimed ? `${claimed}, ${remoteAddress}` : remoteAddress;
  if (headers.host) headers['x-forwarded-host'] = headers.host;
  else delete headers['x-forwarded-host'];
  headers['x-forwarded-proto'] ??= 'http';
}

export interface ApiProxyOptions {
  /** Where the API listens, e.g. http://127.0.0.1:3000. */
  apiOrigin: string;
  /** How long the API may take to answer before the browser gets a 502. */
  timeoutMs?: number;
  /** Where a failure to reach the API is reported (never to the browser). */
  log?: (message: string) => void;
}

function sendJsonError(res: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * The same-origin proxy: /api/* goes to the API, so the session cookie is first-party. Requests
 * whose path resolves outside /api/ are answered 404 here; an API that cannot be reached is a 502
 * in the API's own error shape, which the page shows like any other refusal.
 */
export function createApiProxy({
  apiOrigin,
  timeoutMs = 60_000,
  log = (message) => console.error(message),
}: ApiProxyOptions) {
  const target = new URL(apiOrigin).origin;
  const proxy = createProxyServer({
    target,
    changeOrigin: true,
    // Idle connections are closed long before the API's keep-alive timeout (72 s in Fastify),
    // so a request never lands on a socket the API is closing.
    agent: new Agent({ keepAlive: true, timeout: 5_000 }),
    proxyTimeout: timeoutMs,
  });
  // A browser that went away mid-request: nothing to answer.
  proxy.on('econnreset', () => {});
  // Hop-by-hop: the API's keep-alive timeout is not this server's (the library copies it).
  proxy.on('proxyRes', (proxyRes) => {
    delete proxyRes.headers.connection;
    delete proxyRes.headers['keep-alive'];
  });

  return function proxyApi(req: IncomingMessage, res: ServerResponse): void {
    const path = apiPath(req.url ?? '/');
    if (path === null) {
      sendJsonError(res, 404, 'NOT_FOUND', 'no such API route');
      return;
    }
    const remoteAddress = req.socket.remoteAddress;
    if (remoteAddress === undefined) {
      // The socket is already gone, and without its address the API would believe the client.
      res.destroy();
      return;
    }
    req.url = path;
    setForwardedHeaders(req, remoteAddress);
    proxy.web(req, res, {}, (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? error.name;
      log(`The API at ${target} did not answer ${req.method} ${path}: ${code}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJsonError(
        res,
        502,
        'API_UNAVAILABLE',
        'Meritum’s server is not answering right now. Try again in a moment.',
      );
    });
  };
}
