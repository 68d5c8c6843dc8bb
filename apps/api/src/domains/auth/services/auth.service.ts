import { randomUUID } from 'node:crypto';
import { type Clock, LoginRequest, SignupRequest } from '@meritum/shared';
import { hash, verify } from '@node-rs/argon2';
import { postgresErrorCode } from '../../../db/postgres-errors';
import { AppError, NotFoundError } from '../../../lib/errors';
import { parseOrThrow } from '../../../lib/validate';
import type { AuthRepo } from '../repos/auth.repo';
import { newSessionToken, parseSessionToken, secretMatches } from '../session-token';

const DAY = 24 * 60 * 60 * 1000;
/** Sessions last 30 days from their last use, renewed when fewer than 15 remain. */
export const SESSION_LIFETIME_MS = 30 * DAY;
const RENEW_WITHIN_MS = 15 * DAY;

// argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verified against when no user has the email, so that a miss takes as long as a wrong password.
const DECOY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$k3CMKzRsuNn7Ee6xneE6Rg$YaBwZVUSVhwHhO4b6cS9kHgM3XdBKYjtAkF01ILwGGY';

export class InvalidCredentialsError extends AppError {
  constructor() {
    super('INVALID_CREDENTIALS', 'email or password is wrong', 401);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

export interface SessionOf {
  providerId: string;
  userId: string;
  /** Set when the session was renewed: the cookie should carry the new expiry. */
  renewedUntil?: Date;
}

export interface AuthServiceDeps {
  repo: Pick<
    AuthRepo,
    | 'createProviderWithUser'
    | 'userByEmail'
    | 'sessionById'
    | 'insertSession'
    | 'extendSession'
    | 'deleteSession'
    | 'profile'
  >;
  clock: Clock;
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Sign-up, login, logout and session validation, after Lucia's guide. */
export function createAuthService({ repo, clock }: AuthServiceDeps) {
  async function openSession(providerId: string, userId: string) {
    const { token, id, secretHash } = newSessionToken();
    const expiresAt = new Date(clock.now().getTime() + SESSION_LIFETIME_MS);
    await repo.insertSession({ id, providerId, userId, secretHash, expiresAt });
    return { token, expiresAt };
  }

  return {
    async signup(input: unknown) {
      const request = parseOrThrow(SignupRequest, input, 'sign-up');
      const providerId = randomUUID();
      const passwordHash = await hash(request.password, ARGON2);
      const { userId } = await repo
        .createProviderWithUser({ providerId, passwordHash, ...request })
        .catch((error: unknown) => {
          if (postgresErrorCode(error) !== '23505') throw error;
          const constraint = String(
            (error as { cause?: { constraint?: string } }).cause?.constraint,
          );
          throw constraint.includes('billing')
            ? new ConflictError('BILLING_NUMBER_TAKEN', 'that billing number is already registered')
            : new ConflictError('EMAIL_TAKEN', 'that email is already registered');
        });
      return { providerId, userId, ...(await openSession(providerId, userId)) };
    },

    async login(input: unknown) {
      const request = parseOrThrow(LoginRequest, input, 'login');
      const user = await repo.userByEmail(request.email);
      const valid = await verify(user?.passwordHash ?? DECOY_HASH, request.password).catch(
        () => false,
      );
      if (!user || !valid) throw new InvalidCredentialsError();
      return {
        providerId: user.providerId,
        userId: user.userId,
        ...(await openSession(user.providerId, user.userId)),
      };
    },

    /** The session a token stands for, renewed when due; null when absent, wrong or expired. */
    async validate(token: string | undefined): Promise<SessionOf | null> {
      const parts = token ? parseSessionToken(token) : null;
      if (!parts) return null;
      const stored = await repo.sessionById(parts.id);
      if (!stored || !secretMatches(parts.secret, stored.secretHash)) return null;
      const now = clock.now().getTime();
      if (stored.expiresAt.getTime() <= now) {
        await repo.deleteSession(stored.providerId, parts.id);
        return null;
      }
      const session: SessionOf = { providerId: stored.providerId, userId: stored.userId };
      if (stored.expiresAt.getTime() - now < RENEW_WITHIN_MS) {
        session.renewedUntil = new Date(now + SESSION_LIFETIME_MS);
        await repo.extendSession(stored.providerId, parts.id, session.renewedUntil);
      }
      return session;
    },

    async logout(token: string | undefined): Promise<void> {
      const parts = token ? parseSessionToken(token) : null;
      if (!parts) return;
      const stored = await repo.sessionById(parts.id);
      if (stored && secretMatches(parts.secret, stored.secretHash)) {
        await repo.deleteSession(stored.providerId, parts.id);
      }
    },

    async profile(providerId: string, userId: string) {
      const profile = await repo.profile(providerId, userId);
      // A session's user is never missing (sessions cascade with users): a guard, not a path.
      if (!profile) throw new NotFoundError('user');
      return profile;
    },
  };
}
