import type { AddressInfo } from 'node:net';
import { systemClock } from '@meritum/shared';
import pino from 'pino';
import { buildApp } from '../src/app';
import { createAppPool, createDatabase } from '../src/db/client';
import { createServices } from '../src/services';
import { NO_LIMITS } from '../test/no-limits';

/**
 * One API instance for multi-instance.bench.ts: the real app (createServices + buildApp) on the
 * database at argv[2], listening on 127.0.0.1 at a free port, which it prints as JSON on one
 * line of stdout. Its pool's application_name is `meritum-bench-<argv[3]>`, so the database can
 * tell the instances apart. Beside the API, two routes for the benchmark only:
 * POST /bench/idle waits until no refresh of the given providers runs or is pending here;
 * GET /bench/stats returns the responses it sent by status, errors it logged and its peak RSS.
 * SIGTERM closes it gracefully.
 */
async function main() {
  const [url, name] = process.argv.slice(2);
  if (!url || !name) throw new Error('usage: api-instance-process <database url> <name>');
  const pool = createAppPool(url, { max: 8, applicationName: `meritum-bench-${name}` });
  const db = createDatabase(pool);
  let loggedErrors = 0;
  const logger = pino(
    {
      level: 'warn',
      base: { instance: name },
      hooks: {
        logMethod(args, method, level) {
          if (level >= 50) loggedErrors++;
          method.apply(this, args);
        },
      },
    },
    pino.destination(2),
  );
  const services = createServices({ db, pool, clock: systemClock, logger });
  const app = await buildApp({ db, services, options: { limits: NO_LIMITS } });

  const responses: Record<string, number> = {};
  app.server.on('request', (request, response) => {
    if (!request.url?.startsWith('/api/')) return;
    response.on('finish', () => {
      const status = String(response.statusCode);
      responses[status] = (responses[status] ?? 0) + 1;
    });
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);

  app.post<{ Body: { providers: string[] } }>('/bench/idle', async (request) => {
    const { refresher, scheduler } = services.analytics;
    const busy = () => request.body.providers.some((p) => refresher.isRefreshing(p));
    for (;;) {
      await scheduler.idle();
      if (!busy()) return { idle: true };
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  app.get('/bench/stats', async () => ({
    responses,
    loggedErrors,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
  }));

  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);

  process.once('SIGTERM', () => {
    clearInterval(sampler);
    app
      .close()
      .then(() => services.close())
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
          process.exit(1);
        },
      );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
