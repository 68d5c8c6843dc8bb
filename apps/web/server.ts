import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import next from 'next';
import { loadWebConfig } from './src/server/config';
import { createWebServer } from './src/server/web-server';

/**
 * The web app's process: Next (built beforehand by `next build`) behind this site's /api proxy.
 * The only file that reads the environment, listens and shuts down.
 */
async function main(): Promise<void> {
  const config = loadWebConfig(process.env);
  const dev = config.NODE_ENV === 'development';
  const app = next({
    dev,
    dir: fileURLToPath(new URL('.', import.meta.url)),
    hostname: config.HOST,
    port: config.PORT,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createWebServer({
    apiOrigin: config.API_ORIGIN,
    handlePage: (req, res) => handle(req, res),
  });

  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) console.error('Shutting down after an error:', err);
    else console.log(`Shutting down (${signal}).`);
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  process.stdout.write(
    `Meritum web: http://${host}:${port} (/api/* to ${config.API_ORIGIN}${dev ? ', development' : ''})\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The web app failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
