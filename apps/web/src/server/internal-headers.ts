import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Headers that describe this server's insides to whoever asks: Next's middleware protocol
 * (x-middleware-rewrite once named the API's internal address), the framework's name and the
 * state of its cache. The x-nextjs-* headers Next's client router reads (stale time, prerender)
 * stay.
 */
export function isInternalHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith('x-middleware-') || lower === 'x-powered-by' || lower === 'x-nextjs-cache'
  );
}

/**
 * Removes internal headers from a response just before its head is written, whoever set them
 * (Next, a proxied answer) and however (setHeader, or writeHead's own headers).
 */
export function hideInternalHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithoutInternals(
    this: ServerResponse,
    ...args: unknown[]
  ): ServerResponse {
    for (const name of this.getHeaderNames()) {
      if (isInternalHeader(name)) this.removeHeader(name);
    }
    const last = args.length - 1;
    const headers = args[last];
    if (last > 0 && Array.isArray(headers)) {
      // The raw form: [name, value, name, value, ...].
      const kept: unknown[] = [];
      for (let i = 0; i + 1 < headers.length; i += 2) {
        if (!isInternalHeader(String(headers[i]))) kept.push(headers[i], headers[i + 1]);
      }
      args[last] = kept;
    } else if (last > 0 && typeof headers === 'object' && headers !== null) {
      args[last] = Object.fromEntries(
        Object.entries(headers as OutgoingHttpHeaders).filter(([name]) => !isInternalHeader(name)),
      );
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}
