import { defineConfig } from 'vitest/config';

/** `pnpm test:stress`: the long-running load tests, kept out of the default run. */
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['src/**/*.stress.test.ts'],
    pool: 'forks',
    // Memory is compared after a full collection.
    execArgv: ['--expose-gc'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest-stress.json' }]],
  },
});
