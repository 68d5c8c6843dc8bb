import { type NextRequest, NextResponse } from 'next/server';
import { contentSecurityPolicy, newNonce } from '@/lib/content-security-policy';

/**
 * Gives every page its own script nonce. Next reads the nonce from the request's
 * Content-Security-Policy header and writes it on the scripts it renders (which is why pages are
 * rendered per request: see the root layout); the browser gets the same policy.
 * /api never reaches Next: the web app's server proxies it (src/server/api-proxy.ts).
 */
export function middleware(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV === 'development' });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  matcher: [
    // Pages only, not static files. Prefetches too: a request with a prefetch header may be
    // answered with a whole page (a browser's <link rel="prefetch">, or any client sending
    // Next's header without asking for the router's payload), and a page never goes without
    // its policy.
    '/((?!api/|_next/static/|_next/image|icon.svg|favicon.ico).*)',
  ],
  runtime: 'nodejs',
};
