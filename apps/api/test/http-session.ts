import { randomBytes } from 'node:crypto';

/**
 * A client no other test is (IPv6's documentation prefix, 32 random bits in the /64 a limit
 * counts by): limits are counted in the worker's database, which its test files share.
 */
export function uniqueAddress(): string {
  const [a, b] = [0, 2].map((at) => randomBytes(4).readUInt16BE(at).toString(16));
  return `2001:db8:${a}:${b}::1`;
}

export interface HttpAnswer {
  status: number;
  /** The error code of an error body, if any. */
  code?: string;
  body: unknown;
}

/**
 * A physician signed up over HTTP against a listening app, holding the session cookie:
 * `signUp(baseUrl)` (test/sign-up.ts).
 */
export interface HttpSession {
  providerId: string;
  /** The Cookie header this session sends. */
  cookie: string;
  /**
   * One request, answered within `timeoutMs` or rejected with a TimeoutError: a test states
   * "answers within n seconds" as a bound the request must beat, not as a measured latency.
   */
  request: (
    method: 'GET' | 'POST',
    path: string,
    options?: { body?: unknown; timeoutMs?: number },
  ) => Promise<HttpAnswer>;
}

/** Plain fetch, so every request goes through the socket, the router and the real pool. */
export async function httpRequest(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; cookie?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer & { headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return {
    status: response.status,
    ...(typeof code === 'string' ? { code } : {}),
    body,
    headers: response.headers,
  };
}
