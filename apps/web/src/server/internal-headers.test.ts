import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hideInternalHeaders } from './internal-headers';

/** The headers a browser receives from a response written by `write`. */
async function received(write: (res: ServerResponse) => void): Promise<Headers> {
  const server = createServer((_, res) => {
    hideInternalHeaders(res);
    write(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    await response.text();
    return response.headers;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('hideInternalHeaders', () => {
  it('drops internal headers set before the head is written, keeping the rest', async () => {
    const headers = await received((res) => {
      res.setHeader('X-Middleware-Rewrite', 'http://10.0.0.7:3000/api');
      res.setHeader('x-powered-by', 'Next.js');
      res.setHeader('x-nextjs-cache', 'HIT');
      res.setHeader('x-nextjs-stale-time', '300');
      res.end('ok');
    });

    expect(headers.get('x-middleware-rewrite')).toBeNull();
    expect(headers.get('x-powered-by')).toBeNull();
    expect(headers.get('x-nextjs-cache')).toBeNull();
    expect(headers.get('x-nextjs-stale-time')).toBe('300');
  });

  it('drops them from writeHead’s own headers, as an object or as a raw list', async () => {
    const fromObject = await received((res) => {
      res.writeHead(200, 'OK', { 'x-middleware-next': '1', 'content-type': 'text/plain' });
      res.end('ok');
    });
    const fromList = await received((res) => {
      res.writeHead(200, ['x-middleware-next', '1', 'content-type', 'text/plain']);
      res.end('ok');
    });

    for (const headers of [fromObject, fromList]) {
      expect(headers.get('x-middleware-next')).toBeNull();
      expect(headers.get('content-type')).toBe('text/plain');
    }
  });
});
