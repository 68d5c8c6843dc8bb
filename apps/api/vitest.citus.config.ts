import { defineConfig } from 'vitest/config';

/**
 * `pnpm test:citus` (test/run-citus.ts): the end-to-end tests on a Citus cluster. Sign-up and
 * sessions, claims and their transitions, the dashboard against SQL for every period and claim
 * type, the kept figures (after reads, refreshes and sign-ins), statements, isolation, the
 * nightly job, account closure, the claims trigger and the single-shard statement capture.
 */
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: [
      'src/domains/auth/routes/auth.routes.test.ts',
      'src/domains/auth/routes/sessions.routes.test.ts',
      'src/domains/claims/services/claims.service.test.ts',
      'src/domains/analytics/routes/analytics.routes.test.ts',
      'src/domains/analytics/routes/statements.routes.test.ts',
      'src/domains/analytics/services/dashboard.service.test.ts',
      'src/domains/analytics/services/kept-figures.test.ts',
      'src/domains/analytics/services/dashboard-spans.test.ts',
      'src/domains/analytics/hooks/signed-in.hook.test.ts',
      'src/domains/analytics/jobs/nightly-refresh.job.test.ts',
      'src/isolation.routes.test.ts',
      'src/isolation.routes.property.test.ts',
      'src/single-shard.test.ts',
      'src/provider-deletion.test.ts',
      'src/db/claims-bookkeeping.test.ts',
      'src/demo/demo-data.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
