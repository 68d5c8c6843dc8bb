import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bulkUpsertVsCopy } from './bulk-upsert-vs-copy.bench';
import { openBenchEnvironment } from './environment';
import { freshnessLatency } from './freshness-latency.bench';
import type { Benchmark, BenchResult, BenchSize } from './harness';
import { nightlyRefresh } from './nightly.bench';
import { writeReport } from './report';

const BENCHMARKS: Benchmark[] = [bulkUpsertVsCopy, freshnessLatency, nightlyRefresh];

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

async function main() {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: 'small' }, only: { type: 'string' } },
  });
  if (values.size !== 'small' && values.size !== 'large') {
    throw new Error('--size is small or large');
  }
  const size: BenchSize = values.size;
  const log = (message: string) => process.stdout.write(`${message}\n`);
  const env = await openBenchEnvironment(size, process.env.DATABASE_URL || undefined, log);
  const results: BenchResult[] = [];
  try {
    for (const bench of BENCHMARKS.filter((b) => !values.only || b.id === values.only)) {
      log(`${bench.id} (${size})`);
      const result = await bench.run(env.ctx);
      log(`  ${result.ratio.label}: ${result.ratio.value}x`);
      results.push(result);
    }
  } finally {
    await env.close();
  }
  await writeReport(
    { machine: env.machine, results },
    root('bench-results.json'),
    root('docs/benchmarks.md'),
  );
  log('wrote bench-results.json and docs/benchmarks.md');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
