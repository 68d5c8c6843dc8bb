import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from './errors';

/** At most `max` requests per key in any `windowSeconds`. */
export interface Limit {
  max: number;
  windowSeconds: number;
}

/** The table every limit shares (migration 0009): one row per limit and key. */
const TABLE = 'rate_limits';

/**
 * A limiter of rate-limiter-flexible's PostgreSQL store on the API's own pool, so that every
 * instance of the API counts against the same rows. The table is made by a migration (the
 * application role may not create tables), and expired rows are swept by the library.
 */
export function postgresLimiter(
  pool: pg.Pool,
  name: string,
  points: number,
  durationSeconds: number,
): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: TABLE,
    tableCreated: true,
    keyPrefix: name,
    points,
    duration: durationSeconds,
  });
}

/** Whole seconds until a spent limit frees up again; at least one. */
export const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** A named limit on requests, counted per key (an address, a provider id). */
export interface RequestLimit {
  /** Counts one request for `key`; throws RateLimitedError (429) once the limit is spent. */
  take(key: string): Promise<void>;
}

/**
 * What `consume` answers, or a RateLimitedError (429) when the limit is spent: the library
 * rejects with its own result then, and with an Error when the store fails.
 */
export async function orRefused<T>(
  consumed: Promise<T>,
  message?: (seconds: number) => string,
): Promise<T> {
  try {
    return await consumed;
  } catch (outcome) {
    if (!(outcome instanceof RateLimiterRes)) throw outcome;
    const seconds = secondsUntil(outcome.msBeforeNext);
    throw new RateLimitedError(seconds, message?.(seconds));
  }
}

export function requestLimit(pool: pg.Pool, name: string, limit: Limit): RequestLimit {
  const limiter = postgresLimiter(pool, name, limit.max, limit.windowSeconds);
  return {
    async take(key) {
      await orRefused(limiter.consume(key));
    },
  };
}
