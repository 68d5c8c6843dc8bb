import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Long-running load tests: `pnpm test:stress` (vitest.stress.config.ts).
    exclude: [...configDefaults.exclude, '**/*.stress.test.ts'],
    // Forks, not threads: a test sets TZ, which a worker thread does not see.
    pool: 'forks',
    // A file spends much of its time waiting on PostgreSQL, so one worker per core (Vitest's
    // default keeps a core free) nearly halves the run on two cores. Capped: each worker holds
    // some 16 connections to the run's one server.
    maxWorkers: Math.min(availableParallelism(), 4),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
