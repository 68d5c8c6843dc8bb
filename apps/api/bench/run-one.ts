import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './catalogue';
import { openBenchEnvironment } from './environment';
import type { BenchSize } from './harness';

/**
 * Runs one benchmark in this process, alone, and writes `{ machine, result }` to --out: the
 * harness starts one process per benchmark, so that no benchmark's memory or warm caches
 * leak into another's figures.
 */
async function main() {
  const { values } = parseArgs({
    options: { id: { type: 'string' }, size: { type: 'string' }, out: { type: 'string' } },
  });
  const bench = BENCHMARKS.find((b) => b.id === values.id);
  if (!bench || !values.out) throw new Error(`usage: run-one --id <id> --size <size> --out <file>`);
  const size = values.size as BenchSize;
  const log = (message: string) => process.stdout.write(`${message}\n`);
  const env = await openBenchEnvironment(size, process.env.DATABASE_URL || undefined, log);
  try {
    const result = await bench.run(env.ctx);
    await writeFile(values.out, JSON.stringify({ machine: env.machine, result }));
  } finally {
    await env.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
