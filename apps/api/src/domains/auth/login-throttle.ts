import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimitedError } from '../../lib/errors';
import { orRefused, postgresLimiter, secondsUntil } from '../../lib/rate-limit';

/**
 * Failed passwords per account, whatever address they come from: the `lockAfterFailures`th
 * failure in a row locks the account for `firstLockSeconds`, and each one after it for twice as
 * long as the last, up to `maxLockSeconds`. A success forgets the failures; so does the end of
 * `forgetAfterSeconds` from the first of them.
 */
export interface LoginThrottlePolicy {
  lockAfterFailures: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
  forgetAfterSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  lockAfterFailures: 5,
  firstLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  forgetAfterSeconds: 24 * 60 * 60,
};

/** How long an attempt may hold its account's turn if its process dies before it ends. */
const IN_FLIGHT_SECONDS = 10;

export interface LoginThrottle {
  /**
   * Checks a password for the account with `check`, one attempt per account at a time: while
   * one is being checked, or while the account is locked, another is refused with a 429 before
   * any password is checked. Records the outcome; answers whether the password was right.
   */
  attempt(email: string, check: () => Promise<boolean>): Promise<boolean>;
}

/** The limit's key: a hash, so that the shared table does not hold the email as such. */
export const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/**
 * The per-account throttle on PostgreSQL: every API instance sees the same turn, failures and
 * locks. Taking the account's turn is one atomic upsert, so guesses sent together are checked
 * one at a time and each sees the lock the one before it set.
 */
export function createLoginThrottle(
  pool: pg.Pool,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): LoginThrottle {
  const inFlight = postgresLimiter(pool, 'login-in-flight', 1, IN_FLIGHT_SECONDS);
  const failures = postgresLimiter(
    pool,
    'login-failures',
    Number.MAX_SAFE_INTEGER,
    policy.forgetAfterSeconds,
  );
  // A lock is the library's block: its row says "spent" until the lock's end.
  const locks = postgresLimiter(pool, 'login-lock', 1, 1);

  async function failed(key: string): Promise<void> {
    const { consumedPoints } = await failures.penalty(key, 1);
    const beyond = consumedPoints - policy.lockAfterFailures;
    if (beyond < 0) return;
    const seconds = Math.min(
      policy.maxLockSeconds,
      policy.firstLockSeconds * 2 ** Math.min(beyond, 30),
    );
    await locks.block(key, seconds);
  }

  return {
    async attempt(email, check) {
      const key = accountKey(email);
      await orRefused(
        inFlight.consume(key),
        (s) => `another sign-in for this account is being checked; try again in ${s} s`,
      );
      try {
        const lock = await locks.get(key);
        if (lock && lock.consumedPoints > 1) {
          const seconds = secondsUntil(lock.msBeforeNext);
          throw new RateLimitedError(
            seconds,
            `too many wrong passwords for this account; try again in ${seconds} s`,
          );
        }
        const right = await check();
        if (right) await failures.delete(key);
        else await failed(key);
        return right;
      } finally {
        await inFlight.delete(key);
      }
    },
  };
}
