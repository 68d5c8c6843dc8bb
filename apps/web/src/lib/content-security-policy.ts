/** A fresh nonce for one page: 128 random bits, base64 (the form Next reads from the policy). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of a page. Scripts run only with this response's nonce, which Next
 * puts on its own script tags, or when such a script loads them ('strict-dynamic': Next's chunks).
 * Style attributes are allowed (the chart library positions with them); style elements are not,
 * so injected markup cannot bring CSS selectors that read the page. Nothing loads from another
 * origin, nothing may frame the page, and forms post only here. Development adds 'unsafe-eval'
 * (React's development build) and inline style elements (Next's error overlay).
 */
export function contentSecurityPolicy(nonce: string, { dev = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
