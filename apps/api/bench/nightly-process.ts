import { createAppPool, createDatabase, JOBS_ROLE } from '../src/db/client';
import { measureNightly } from './measure-nightly';

/**
 * One nightly run in a process of its own (started by nightly-scaling.bench.ts), wired as the
 * benchmark environment wires the API (pools of 8 and 2 connections): prints `{ ms, report,
 * peakRssMiB }` as JSON on stdout, and nothing else there.
 */
async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: nightly-process <database url>');
  const pool = createAppPool(url, { max: 8, applicationName: 'meritum-bench-nightly' });
  const jobsPool = createAppPool(url, {
    role: JOBS_ROLE,
    max: 2,
    applicationName: 'meritum-bench-nightly-jobs',
  });
  try {
    const run = await measureNightly(createDatabase(pool), createDatabase(jobsPool));
    process.stdout.write(JSON.stringify(run));
  } finally {
    await pool.end();
    await jobsPool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
