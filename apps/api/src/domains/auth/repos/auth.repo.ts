import { providers, type SessionEndReason, sessions, users } from '@meritum/shared';
import { and, eq, isNull, lte, ne, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';

export interface StoredSession {
  providerId: string;
  userId: string;
  secretHash: string;
  /** The end of its absolute lifetime. */
  expiresAt: Date;
  lastActiveAt: Date;
  /** Set when it was ended before its time. */
  endReason: SessionEndReason | null;
}

/** Providers, users and sessions. SQL only: the rules live in the auth service. */
export class AuthRepo {
  constructor(private readonly db: Database) {}

  /** Creates a provider and its user in one transaction, under the new provider's scope. */
  async createProviderWithUser(input: {
    providerId: string;
    name: string;
    billingNumber: string;
    email: string;
    passwordHash: string;
  }): Promise<{ userId: string }> {
    return withProviderScope(this.db, input.providerId, async (tx) => {
      await tx.insert(providers).values({
        id: input.providerId,
        name: input.name,
        billingNumber: input.billingNumber,
      });
      const [user] = await tx
        .insert(users)
        .values({
          providerId: input.providerId,
          email: input.email,
          passwordHash: input.passwordHash,
        })
        .returning({ id: users.id });
      return { userId: (user as { id: string }).id };
    });
  }

  /** The one lookup by email, through a SECURITY DEFINER function (no provider is known yet). */
  async userByEmail(email: string) {
    const { rows } = await this.db.execute<{
      user_id: string;
      provider_id: string;
      password_hash: string;
    }>(sql`select user_id, provider_id, password_hash from auth_user_by_email(${email})`);
    const row = rows[0];
    return row
      ? { userId: row.user_id, providerId: row.provider_id, passwordHash: row.password_hash }
      : undefined;
  }

  /** The one lookup by session id, through a SECURITY DEFINER function. */
  async sessionById(id: string): Promise<StoredSession | undefined> {
    const { rows } = await this.db.execute<{
      provider_id: string;
      user_id: string;
      secret_hash: string;
      expires_at: string;
      last_active_at: string;
      end_reason: SessionEndReason | null;
    }>(
      sql`select provider_id, user_id, secret_hash, expires_at::text, last_active_at::text, end_reason
          from auth_session_by_id(${id})`,
    );
    const row = rows[0];
    return row
      ? {
          providerId: row.provider_id,
          userId: row.user_id,
          secretHash: row.secret_hash,
          expiresAt: new Date(row.expires_at),
          lastActiveAt: new Date(row.last_active_at),
          endReason: row.end_reason,
        }
      : undefined;
  }

  async insertSession(session: { id: string } & Omit<StoredSession, 'endReason'>): Promise<void> {
    await withProviderScope(this.db, session.providerId, (tx) =>
      tx.insert(sessions).values(session),
    );
  }

  /** Records a request the user made in the session. */
  async touchSession(providerId: string, id: string, at: Date): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx
        .update(sessions)
        .set({ lastActiveAt: at })
        .where(and(eq(sessions.providerId, providerId), eq(sessions.id, id))),
    );
  }

  async deleteSession(providerId: string, id: string): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx.delete(sessions).where(and(eq(sessions.providerId, providerId), eq(sessions.id, id))),
    );
  }

  /**
   * Ends the user's open sessions, all of them or all but `exceptId`; the rows stay until their
   * expiry so that a browser still holding one is told why it ended.
   */
  async endSessions(
    providerId: string,
    userId: string,
    ending: { reason: SessionEndReason; at: Date; exceptId?: string },
  ): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx
        .update(sessions)
        .set({ endedAt: ending.at, endReason: ending.reason })
        .where(
          and(
            eq(sessions.providerId, providerId),
            eq(sessions.userId, userId),
            isNull(sessions.endedAt),
            ending.exceptId === undefined ? undefined : ne(sessions.id, ending.exceptId),
          ),
        ),
    );
  }

  /** Forgets the user's sessions whose lifetime is over, ended or not. */
  async deleteExpiredSessions(providerId: string, userId: string, now: Date): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx
        .delete(sessions)
        .where(
          and(
            eq(sessions.providerId, providerId),
            eq(sessions.userId, userId),
            lte(sessions.expiresAt, now),
          ),
        ),
    );
  }

  async passwordHash(providerId: string, userId: string): Promise<string | undefined> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const [row] = await tx
        .select({ passwordHash: users.passwordHash })
        .from(users)
        .where(and(eq(users.providerId, providerId), eq(users.id, userId)));
      return row?.passwordHash;
    });
  }

  /**
   * In one transaction: replaces the password hash, if it is still `fromHash` and the session
   * `bySessionId` is still open; ends every session of the user; opens `newSession` in their
   * place. Says which condition failed when nothing was written.
   */
  async changePassword(
    providerId: string,
    userId: string,
    change: {
      fromHash: string;
      toHash: string;
      bySessionId: string;
      newSession: { id: string } & Omit<StoredSession, 'endReason' | 'providerId' | 'userId'>;
    },
  ): Promise<'changed' | 'session-ended' | 'password-changed'> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const acting = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(
          and(
            eq(sessions.providerId, providerId),
            eq(sessions.id, change.bySessionId),
            isNull(sessions.endedAt),
          ),
        )
        .for('update');
      if (acting.length === 0) return 'session-ended';
      const updated = await tx
        .update(users)
        .set({ passwordHash: change.toHash })
        .where(
          and(
            eq(users.providerId, providerId),
            eq(users.id, userId),
            eq(users.passwordHash, change.fromHash),
          ),
        )
        .returning({ id: users.id });
      if (updated.length === 0) return 'password-changed';
      const at = change.newSession.lastActiveAt;
      await new AuthRepo(tx).endSessions(providerId, userId, { reason: 'password_changed', at });
      await tx.insert(sessions).values({ ...change.newSession, providerId, userId });
      return 'changed';
    });
  }

  async profile(providerId: string, userId: string) {
    return withProviderScope(this.db, providerId, async (tx) => {
      const [row] = await tx
        .select({
          userId: users.id,
          email: users.email,
          providerId: providers.id,
          name: providers.name,
          billingNumber: providers.billingNumber,
        })
        .from(users)
        .innerJoin(providers, eq(providers.id, users.providerId))
        .where(and(eq(users.providerId, providerId), eq(users.id, userId)));
      return row;
    });
  }
}
