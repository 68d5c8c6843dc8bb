import { randomBytes, randomUUID } from 'node:crypto';
import type {
  Clock,
  LoginRequest,
  PasswordChange,
  SessionEndCode,
  SignupRequest,
} from '@meritum/shared';
import { hash, verify } from '@node-rs/argon2';
import type { z } from 'zod';
import type { Database } from '../../../db/client';
import { PG_UNIQUE_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import {
  InvalidCredentialsError,
  InvalidCurrentPasswordError,
  NotFoundError,
  UnauthenticatedError,
} from '../../../lib/errors';
import type { EventBus } from '../../../lib/events';
import type { LoginThrottle } from '../login-throttle';
import { type AuthLookups, AuthRepo, type StoredSession } from '../repos/auth.repo';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../session-policy';
import { newSessionToken, parseSessionToken, secretMatches } from '../session-token';

/** Activity is written at most this often: the idle timeout is exact to within a minute. */
const TOUCH_EVERY_MS = 60_000;

// argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/**
 * Verified against when no user has the email (or a user has no hash), so that a miss takes as
 * long as a wrong password: a hash of a random secret, made once with the settings above.
 */
let decoy: Promise<string> | undefined;
const decoyHash = () => {
  decoy ??= hash(randomBytes(32).toString('hex'), ARGON2);
  return decoy;
};

export interface SessionOf {
  sessionId: string;
  providerId: string;
  userId: string;
}

/** A presented session token: valid, ended (and why), or nothing the API knows. */
export type SessionCheck = { session: SessionOf } | { ended: SessionEndCode } | null;

export interface AuthServiceDeps {
  db: Database;
  lookups: Pick<AuthLookups, 'userByEmail' | 'sessionById'>;
  repo: (tx: ProviderTx) => AuthRepo;
  throttle: LoginThrottle;
  events: Pick<EventBus, 'emit'>;
  clock: Clock;
  sessions?: SessionPolicy;
}

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * Creates a provider and its user with the password's argon2 hash; null when the email or the
 * billing number is taken. The hash is computed either way, so both take as long.
 */
export async function createAccount(
  db: Database,
  request: z.output<typeof SignupRequest>,
): Promise<{ providerId: string } | null> {
  const providerId = randomUUID();
  const passwordHash = await hash(request.password, ARGON2);
  try {
    await withProviderScope(db, providerId, (tx) =>
      new AuthRepo(tx).createProviderWithUser({ passwordHash, ...request }),
    );
    return { providerId };
  } catch (error) {
    if (postgresErrorCode(error) === PG_UNIQUE_VIOLATION) return null;
    throw error;
  }
}

const SIGNUP_ACCEPTED = {
  status: 'accepted',
  message: 'If this email and billing number are new, the account is ready: sign in with them.',
} as const;

/**
 * Sign-up, login, logout, password change and session validation, after Lucia's guide. Neither
 * sign-up nor login tells whether an email is registered: every sign-up hashes a password and
 * answers alike, and a login for an unknown email verifies against a decoy hash.
 */
export function createAuthService({
  db,
  lookups,
  repo,
  throttle,
  events,
  clock,
  sessions,
}: AuthServiceDeps) {
  const policy = sessions ?? DEFAULT_SESSION_POLICY;
  /** One unit of work for the provider. */
  const scoped = <T>(providerId: string, work: (r: AuthRepo) => Promise<T>) =>
    withProviderScope(db, providerId, (tx) => work(repo(tx)));
  const idleMs = policy.idleMinutes * 60_000;
  const lifetimeMs = policy.maxHours * 3_600_000;

  async function profileOf(providerId: string, userId: string) {
    const profile = await scoped(providerId, (r) => r.profile(userId));
    // A session's user is never missing (sessions cascade with users): a guard, not a path.
    if (!profile) throw new NotFoundError('user');
    return profile;
  }

  /** A new session's token, and its row as stored: it begins now and lives `maxHours`. */
  function newSession() {
    const { token, id, secretHash } = newSessionToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + lifetimeMs);
    return { token, row: { id, secretHash, expiresAt, lastActiveAt: now } };
  }

  /** Why a stored session no longer holds, if it does not. */
  function endOf(stored: StoredSession, now: number): SessionEndCode | null {
    if (stored.endReason === 'signed_out_everywhere') return 'SESSION_SIGNED_OUT_EVERYWHERE';
    if (stored.endReason === 'password_changed') return 'SESSION_PASSWORD_CHANGED';
    if (stored.expiresAt.getTime() <= now) return 'SESSION_EXPIRED';
    if (now - stored.lastActiveAt.getTime() >= idleMs) return 'SESSION_IDLE';
    return null;
  }

  async function storedSession(token: string | undefined) {
    const parts = token ? parseSessionToken(token) : null;
    if (!parts) return null;
    const stored = await lookups.sessionById(parts.id);
    if (!stored || !secretMatches(parts.secret, stored.secretHash)) return null;
    return { id: parts.id, stored };
  }

  return {
    /** Creates the account when its email and billing number are new; answers alike either way. */
    async signup(request: z.output<typeof SignupRequest>) {
      await createAccount(db, request);
      return SIGNUP_ACCEPTED;
    },

    async login(request: z.output<typeof LoginRequest>) {
      const user = await lookups.userByEmail(request.email);
      const valid = await throttle.attempt(request.email, async () =>
        verify(user?.passwordHash ?? (await decoyHash()), request.password).catch(() => false),
      );
      if (!user || !valid) throw new InvalidCredentialsError();
      const { providerId, userId } = user;
      const { token, row } = newSession();
      // One unit of work: the user's sessions whose lifetime is over go, the new one opens.
      await scoped(providerId, async (r) => {
        await r.deleteExpiredSessions(userId, row.lastActiveAt);
        await r.insertSession({ ...row, userId });
      });
      events.emit('auth.signedIn', { providerId });
      return { providerId, userId, token, expiresAt: row.expiresAt };
    },

    /**
     * The session a token stands for, or why it ended. A request the user made (not a
     * `background` one) counts as activity and pushes the idle timeout back.
     */
    async validate(
      token: string | undefined,
      { background }: { background: boolean } = { background: false },
    ): Promise<SessionCheck> {
      const found = await storedSession(token);
      if (!found) return null;
      const { id, stored } = found;
      const now = clock.now().getTime();
      const ended = endOf(stored, now);
      if (ended === 'SESSION_EXPIRED' || ended === 'SESSION_IDLE') {
        await scoped(stored.providerId, (r) => r.deleteSession(id));
      }
      if (ended) return { ended };
      if (!background && now - stored.lastActiveAt.getTime() >= TOUCH_EVERY_MS) {
        await scoped(stored.providerId, (r) => r.touchSession(id, new Date(now)));
      }
      return { session: { sessionId: id, providerId: stored.providerId, userId: stored.userId } };
    },

    async logout(token: string | undefined): Promise<void> {
      const found = await storedSession(token);
      if (found) await scoped(found.stored.providerId, (r) => r.deleteSession(found.id));
    },

    /** Ends every session of the user, this one included. */
    async signOutEverywhere(session: SessionOf): Promise<void> {
      const ending = { reason: 'signed_out_everywhere' as const, at: clock.now() };
      await scoped(session.providerId, (r) => r.endSessions(session.userId, ending));
    },

    /**
     * Sets a new password when the current one is right. Every session of the user ends, this
     * one included, and this browser gets a new one: a stolen cookie of this session is of no
     * use after the change.
     */
    async changePassword(session: SessionOf, request: z.output<typeof PasswordChange>) {
      const { providerId, userId, sessionId } = session;
      const { profile, current } = await scoped(providerId, async (r) => ({
        profile: await r.profile(userId),
        current: await r.passwordHash(userId),
      }));
      // A session's user is never missing (sessions cascade with users): a guard, not a path.
      if (!profile) throw new NotFoundError('user');
      const valid = await throttle.attempt(profile.email, async () =>
        verify(current ?? (await decoyHash()), request.currentPassword).catch(() => false),
      );
      if (!valid || current === undefined) throw new InvalidCurrentPasswordError();
      const { token, row } = newSession();
      const toHash = await hash(request.newPassword, ARGON2);
      // In one unit of work: the session still open, the hash still the one verified, then
      // every session ended and this browser's new one opened in their place.
      const outcome = await scoped(providerId, async (r) => {
        if (!(await r.lockOpenSession(sessionId))) return 'session-ended' as const;
        if (!(await r.replacePasswordHash(userId, current, toHash))) {
          return 'password-changed' as const;
        }
        await r.endSessions(userId, { reason: 'password_changed', at: row.lastActiveAt });
        await r.insertSession({ ...row, userId });
        return 'changed' as const;
      });
      // Ended (signed out everywhere) or changed by another session while this one was checked.
      if (outcome === 'session-ended') throw new UnauthenticatedError();
      if (outcome === 'password-changed') throw new InvalidCurrentPasswordError();
      return { token, expiresAt: row.expiresAt };
    },

    profile: profileOf,
  };
}
