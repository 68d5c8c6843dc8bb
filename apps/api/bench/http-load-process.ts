import autocannon from 'autocannon';
import type { HttpLoadOptions, HttpLoadRun } from './http-load';

/**
 * The load generator's process (started by http-load.ts): runs autocannon against one URL and
 * prints the run as JSON on stdout, and nothing else there.
 */
async function main() {
  const options = JSON.parse(process.argv[2] ?? '') as HttpLoadOptions;
  const latenciesMs: number[] = [];
  const result = await autocannon({
    url: options.url,
    method: 'GET',
    connections: options.connections,
    duration: options.durationSeconds,
    headers: options.headers ?? {},
    setupClient: (client) => {
      client.on('response', (_status, _bytes, responseTime) => {
        latenciesMs.push(responseTime);
      });
    },
  });
  const run: HttpLoadRun = {
    requests: latenciesMs.length,
    durationSeconds: result.duration,
    latenciesMs: latenciesMs.map((ms) => Math.round(ms * 100) / 100),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    bytes: result.throughput.total,
  };
  process.stdout.write(JSON.stringify(run));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
