import type { RouteLimits } from '../src/app';

/**
 * Request limits out of reach, for tests and benchmarks about something else: the limits
 * themselves are tested in src/limits.routes.test.ts. They are counted in the database, which a
 * worker's test files share, so a test of a limit sets its own and counts against an address or
 * a physician of its own.
 */
export const NO_LIMITS: RouteLimits = {
  login: { max: 1_000_000_000, windowSeconds: 60 },
  signup: { max: 1_000_000_000, windowSeconds: 60 },
  refresh: { max: 1_000_000_000, windowSeconds: 60 },
  validation: { max: 1_000_000_000, windowSeconds: 60 },
  statements: { max: 1_000_000_000, windowSeconds: 60 },
};
