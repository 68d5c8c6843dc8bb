import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `pnpm test:citus`: the end-to-end tests on a Citus cluster, whose coordinator CITUS_URL names
 * (a superuser's URL to a database with the citus extension and its workers added). Each test
 * database is made on every node, migrated and distributed (src/db/distribute.ts).
 */
if (!process.env.CITUS_URL) {
  console.log(
    'test:citus skipped: CITUS_URL is not set (a Citus coordinator with workers; docs/scaling.md)',
  );
  process.exit(0);
}
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--config', 'vitest.citus.config.ts', ...process.argv.slice(2)],
  {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, TEST_CITUS: '1' },
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
