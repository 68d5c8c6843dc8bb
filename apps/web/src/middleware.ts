import { type NextRequest, NextResponse } from 'next/server';

/**
 * The same-origin proxy: /api/* goes to the Fastify API, so the session cookie is first-party and
 * the API's Origin check sees this site (the API trusts this proxy's X-Forwarded-* headers).
 * A middleware rather than a next.config rewrite, because rewrites are fixed at build time and
 * the API's address is known only when the server starts.
 *
 * Next fills X-Forwarded-For only when a request has none, so a browser's own header reaches the
 * API as is: in production a front proxy that overwrites it (nginx: $remote_addr) stands before
 * this server, or the API's per-address limits count what clients claim (docs/decisions.md).
 */
export function middleware(request: NextRequest) {
  const apiOrigin = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000';
  const { pathname, search } = request.nextUrl;
  const target = new URL(`${pathname}${search}`, apiOrigin);
  // '/api/%2e%2e/docs' resolves to '/docs': only the API's /api routes are passed on.
  if (!target.pathname.startsWith('/api/')) {
    return NextResponse.json(
      { error: { code: 'NOT_FOUND', message: 'no such API route' } },
      { status: 404 },
    );
  }
  return NextResponse.rewrite(target);
}

export const config = { matcher: '/api/:path*', runtime: 'nodejs' };
