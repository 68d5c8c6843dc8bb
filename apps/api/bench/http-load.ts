import { fileURLToPath } from 'node:url';
import { percentile } from './harness';
import { runJsonChild } from './json-child';

export interface HttpLoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
}

/** One autocannon run, raw: every response's latency, so that runs can be pooled. */
export interface HttpLoadRun {
  requests: number;
  /** The run's length as autocannon measured it. */
  durationSeconds: number;
  /** Time to the complete response, per response (non-2xx ones included). */
  latenciesMs: number[];
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  bytes: number;
}

/** Runs pooled: throughput over their summed duration, percentiles over every response. */
export interface HttpLoadSummary {
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  bytesPerResponse: number;
}

const child = fileURLToPath(new URL('./http-load-process.ts', import.meta.url));

/**
 * Runs autocannon in a process of its own (same Node flags, so the same TypeScript loader), so
 * that the load generator's work is not counted against the server it measures.
 */
export function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadRun> {
  return runJsonChild<HttpLoadRun>(child, [JSON.stringify(options)], 'the load generator');
}

export function summariseRuns(runs: HttpLoadRun[]): HttpLoadSummary {
  const sum = (f: (run: HttpLoadRun) => number) => runs.reduce((total, run) => total + f(run), 0);
  const latencies = runs.flatMap((run) => run.latenciesMs);
  const requests = sum((run) => run.requests);
  return {
    requestsPerSecond: requests / sum((run) => run.durationSeconds),
    requests,
    latencyMs: {
      p50: percentile(latencies, 50),
      p97_5: percentile(latencies, 97.5),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
    },
    errors: sum((run) => run.errors),
    non2xx: sum((run) => run.non2xx),
    bytesPerResponse: requests > 0 ? Math.round(sum((run) => run.bytes) / requests) : 0,
  };
}
