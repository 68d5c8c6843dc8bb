import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApiProxyOptions, createApiProxy, isApiRequest } from './api-proxy';
import { hideInternalHeaders } from './internal-headers';

export interface WebServerOptions extends ApiProxyOptions {
  /** Next's request handler: every request that is not for /api. */
  handlePage: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * The web app's HTTP server: /api to the API through the proxy, everything else to Next. Neither
 * answer carries a header about this server's insides. Never listens: server.ts does.
 */
export function createWebServer({ handlePage, ...proxyOptions }: WebServerOptions): Server {
  const proxyApi = createApiProxy(proxyOptions);
  const log = proxyOptions.log ?? ((message: string) => console.error(message));
  return createServer((req, res) => {
    hideInternalHeaders(res);
    if (isApiRequest(req.url ?? '/')) {
      proxyApi(req, res);
      return;
    }
    handlePage(req, res).catch((error: unknown) => {
      log(`A page failed: ${error instanceof Error ? error.stack : String(error)}`);
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.end();
      }
    });
  });
}
