import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Clock,
  LoginRequest,
  PasswordChange,
  type SessionEndCode,
  SignupRequest,
} from '@meritum/shared';
import { hash, verify } from '@node-rs/argon2';
import type { z } from 'zod';
import { PG_UNIQUE_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import {
  InvalidCredentialsError,
  InvalidCurrentPasswordError,
  NotFoundError,
  UnauthenticatedError,
} from '../../../lib/errors';
import { parseOrThrow } from '../../../lib/validate';
import type { LoginThrottle } from '../login-throttle';
import type { AuthRepo, StoredSession } from '../repos/auth.repo';
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
  repo: Pick<
    AuthRepo,
    | 'createProviderWithUser'
    | 'userByEmail'
    | 'sessionById'
    | 'insertSession'
    | 'touchSession'
    | 'deleteSession'
    | 'endSessions'
    | 'deleteExpiredSessions'
    | 'passwordHash'
    | 'changePassword'
    | 'profile'
  >;
  throttle: LoginThrottle;
  clock: Clock;
  sessions?: SessionPolicy;
}

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * Creates a provider and its user with the password's argon2 hash; null when the email or the
 * billing number is taken. The hash is computed either way, so both take as long.
 */
export async function createAccount(
  repo: Pick<AuthRepo, 'createProviderWithUser'>,
  request: z.output<typeof SignupRequest>,
): Promise<{ providerId: string } | null> {
  const providerId = randomUUID();
  const passwordHash = await hash(request.password, ARGON2);
  try {
    await repo.createProviderWithUser({ providerId, passwordHash, ...request });
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
export function createAuthService({ repo, throttle, clock, sessions }: AuthServiceDeps) {
  const policy = sessions ?? DEFAULT_SESSION_POLICY;
  const idleMs = policy.idleMinutes * 60_000;
  const lifetimeMs = policy.maxHours * 3_600_000;

  async function profileOf(providerId: string, userId: string) {
    const profile = await repo.profile(providerId, userId);
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

  async function openSession(providerId: string, userId: string) {
    const { token, row } = newSession();
    await repo.insertSession({ ...row, providerId, userId });
    return { token, expiresAt: row.expiresAt };
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
    const stored = await repo.sessionById(parts.id);
    if (!stored || !secretMatches(parts.secret, stored.secretHash)) return null;
    return { id: parts.id, stored };
  }

  return {
    /** Creates the account when its email and billing number are new; answers alike either way. */
    async signup(input: unknown) {
      await createAccount(repo, parseOrThrow(SignupRequest, input, 'sign-up'));
      return SIGNUP_ACCEPTED;
    },

    async login(input: unknown) {
      const request = parseOrThrow(LoginRequest, input, 'login');
      const user = await repo.userByEmail(request.email);
      const valid = await throttle.attempt(request.email, async () =>
        verify(user?.passwordHash ?? (await decoyHash()), request.password).catch(() => false),
      );
      if (!user || !valid) throw new InvalidCredentialsError();
      await repo.deleteExpiredSessions(user.providerId, user.userId, clock.now());
      return {
        providerId: user.providerId,
        userId: user.userId,
        ...(await openSession(user.providerId, user.userId)),
      };
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
        await repo.deleteSession(stored.providerId, id);
      }
      if (ended) return { ended };
      if (!background && now - stored.lastActiveAt.getTime() >= TOUCH_EVERY_MS) {
        await repo.touchSession(stored.providerId, id, new Date(now));
      }
      return { session: { sessionId: id, providerId: stored.providerId, userId: stored.userId } };
    },

    async logout(token: string | undefined): Promise<void> {
      const found = await storedSession(token);
      if (found) await repo.deleteSession(found.stored.providerId, found.id);
    },

    /** Ends every session of the user, this one included. */
    async signOutEverywhere(session: SessionOf): Promise<void> {
      await repo.endSessions(session.providerId, session.userId, {
        reason: 'signed_out_everywhere',
        at: clock.now(),
      });
    },

    /**
     * Sets a new password when the current one is right. Every session of the user ends, this
     * one included, and this browser gets a new one: a stolen cookie of this session is of no
     * use after the change.
     */
    async changePassword(session: SessionOf, input: unknown) {
      const request = parseOrThrow(PasswordChange, input, 'password change');
      const { email } = await profileOf(session.providerId, session.userId);
      const current = await repo.passwordHash(session.providerId, session.userId);
      const valid = await throttle.attempt(email, async () =>
        verify(current ?? (await decoyHash()), request.currentPassword).catch(() => false),
      );
      if (!valid || current === undefined) throw new InvalidCurrentPasswordError();
      const { token, row } = newSession();
      const outcome = await repo.changePassword(session.providerId, session.userId, {
        fromHash: current,
        toHash: await hash(request.newPassword, ARGON2),
        bySessionId: session.sessionId,
        newSession: row,
      });
      // Ended (signed out everywhere) or changed by another session while this one was checked.
      if (outcome === 'session-ended') throw new UnauthenticatedError();
      if (outcome === 'password-changed') throw new InvalidCurrentPasswordError();
      return { token, expiresAt: row.expiresAt };
    },

    profile: profileOf,
  };
}
