import { createHash } from 'node:crypto';
import type pg from 'pg';
import { postgresLimiter, secondsUntil } from '../../lib/rate-limit';

/**
 * Failed passwords per account, whatever address they come from: the `lockAfterFailures`th
 * failure in a row locks the account for `firstLockSeconds`, and each one after it for twice as
 * long as the last, up to `maxLockSeconds`. A success forgets the failures; so does the end of
 * `forgetAfterSeconds` from the first of them.
 *
 * Attempts already in flight when a lock begins still finish: the per-address limit bounds
 * how many one client can have in flight.
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

export interface LoginThrottle {
  /** Seconds until the account may try a password again; 0 when it may now. */
  lockedFor(email: string): Promise<number>;
  failed(email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}

/** The limit's key: a hash, so that the shared table never holds an email. */
const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** The per-account throttle on PostgreSQL: every API instance sees the same failures and locks. */
export function createLoginThrottle(
  pool: pg.Pool,
  policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
): LoginThrottle {
  const failures = postgresLimiter(
    pool,
    'login-failures',
    Number.MAX_SAFE_INTEGER,
    policy.forgetAfterSeconds,
  );
  // A lock is the library's block: its row says "spent" until the lock's end.
  const locks = postgresLimiter(pool, 'login-lock', 1, 1);

  return {
    async lockedFor(email) {
      const lock = await locks.get(accountKey(email));
      return lock && lock.consumedPoints > 1 ? secondsUntil(lock.msBeforeNext) : 0;
    },

    async failed(email) {
      const key = accountKey(email);
      const { consumedPoints } = await failures.penalty(key, 1);
      const beyond = consumedPoints - policy.lockAfterFailures;
      if (beyond < 0) return;
      const seconds = Math.min(
        policy.maxLockSeconds,
        policy.firstLockSeconds * 2 ** Math.min(beyond, 30),
      );
      await locks.block(key, seconds);
    },

    async succeeded(email) {
      await failures.delete(accountKey(email));
    },
  };
}
