import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce } from './content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  it('draws a different nonce of 128 bits each time, in the base64 form Next reads', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));

    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    }
  });

  it('runs only scripts carrying the nonce, or loaded by one, never inline ones', () => {
    const policy = directives(contentSecurityPolicy('abc123=='));

    expect(policy.get('script-src')).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).not.toContain("'unsafe-inline'");
  });

  it('forbids framing, plugins, a changed base URL and forms posting elsewhere', () => {
    const policy = directives(contentSecurityPolicy('abc123=='));

    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'self'"]);
  });

  it('allows eval in development only', () => {
    expect(contentSecurityPolicy('n', { dev: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy('n')).not.toContain("'unsafe-eval'");
  });
});
