import { type NextRequest, NextResponse } from 'next/server';

/**
 * The same-origin proxy: /api/* goes to the Fastify API, so the session cookie is first-party and
 * the API's Origin check sees this site (the API trusts this proxy's X-Forwarded-* headers).
 * A middleware rather than a next.config rewrite, because rewrites are fixed at build time and
 * the API's address is known only when the server starts.
 */
export function middleware(request: NextRequest) {
  const apiOrigin = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000';
  const { pathname, search } = request.nextUrl;
  return NextResponse.rewrite(new URL(`${pathname}${search}`, apiOrigin));
}

export const config = { matcher: '/api/:path*', runtime: 'nodejs' };
