import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './catalogue';
import type { BenchResult } from './harness';
import { writeReport } from './report';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const runOne = fileURLToPath(new URL('./run-one.ts', import.meta.url));

/** Runs one benchmark in a child process (same Node flags, so the same TypeScript loader). */
function runInChild(id: string, size: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, runOne, '--id', id, '--size', size, '--out', out],
      {
        stdio: 'inherit',
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`benchmark ${id} exited with ${code}`)),
    );
  });
}

async function main() {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: 'small' }, only: { type: 'string' } },
  });
  if (values.size !== 'small' && values.size !== 'large')
    throw new Error('--size is small or large');
  const selected = BENCHMARKS.filter((b) => !values.only || b.id === values.only);
  if (selected.length === 0) throw new Error(`no benchmark is called ${values.only}`);

  const dir = await mkdtemp(join(tmpdir(), 'meritum-bench-'));
  const results: BenchResult[] = [];
  let machine: Record<string, string | number> = {};
  try {
    for (const bench of selected) {
      process.stdout.write(`${bench.id} (${values.size})\n`);
      const out = join(dir, `${bench.id}.json`);
      const started = Date.now();
      await runInChild(bench.id, values.size, out);
      const run = JSON.parse(await readFile(out, 'utf8')) as {
        machine: typeof machine;
        result: BenchResult;
      };
      machine = run.machine;
      results.push(run.result);
      process.stdout.write(
        `  ${run.result.ratio.label}: ${run.result.ratio.value}x (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await writeReport({ machine, results }, root('bench-results.json'), root('docs/benchmarks.md'));
  process.stdout.write('wrote bench-results.json and docs/benchmarks.md\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
