import { providers, type SessionEndReason, sessions, users } from '@meritum/shared';
import { and, eq, isNull, lte, ne, sql } from 'drizzle-orm';
import type pg from 'pg';
import { preparedRows } from '../../../db/prepared';
import type { ProviderTx } from '../../../db/provider-scope';

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

/**
 * The two lookups made before any provider is known: by email at login, by session id on every
 * request. Each goes through a SECURITY DEFINER function that returns one row, so they need no
 * provider scope and reach nothing else.
 */
export class AuthLookups {
  constructor(private readonly pool: pg.Pool) {}

  /** The one lookup by email, through a SECURITY DEFINER function (no provider is known yet). */
  async userByEmail(email: string) {
    const rows = await preparedRows<{
      user_id: string;
      provider_id: string;
      password_hash: string;
    }>(
      this.pool,
      sql`select user_id, provider_id, password_hash from auth_user_by_email(${email})`,
    );
    const row = rows[0];
    return row
      ? { userId: row.user_id, providerId: row.provider_id, passwordHash: row.password_hash }
      : undefined;
  }

  /** The one lookup by session id, through a SECURITY DEFINER function. */
  async sessionById(id: string): Promise<StoredSession | undefined> {
    // Every request that carries a cookie asks this: prepared once per connection.
    const rows = await preparedRows<{
      provider_id: string;
      user_id: string;
      secret_hash: string;
      expires_at: string;
      last_active_at: string;
      end_reason: SessionEndReason | null;
    }>(
      this.pool,
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
}

/** The scope provider's own provider row, users and sessions. SQL only: the rules live in the auth service. */
export class AuthRepo {
  constructor(private readonly tx: ProviderTx) {}

  /** Creates the scope's provider and its user. */
  async createProviderWithUser(input: {
    name: string;
    billingNumber: string;
    email: string;
    passwordHash: string;
  }): Promise<{ userId: string }> {
    const { db, providerId } = this.tx;
    await db
      .insert(providers)
      .values({ id: providerId, name: input.name, billingNumber: input.billingNumber });
    const [user] = await db
      .insert(users)
      .values({ providerId, email: input.email, passwordHash: input.passwordHash })
      .returning({ id: users.id });
    return { userId: (user as { id: string }).id };
  }

  async insertSession(
    session: { id: string; userId: string } & Omit<
      StoredSession,
      'endReason' | 'providerId' | 'userId'
    >,
  ): Promise<void> {
    await this.tx.db.insert(sessions).values({ ...session, providerId: this.tx.providerId });
  }

  /** Records a request the user made in the session. */
  async touchSession(id: string, at: Date): Promise<void> {
    await this.tx.db
      .update(sessions)
      .set({ lastActiveAt: at })
      .where(and(eq(sessions.providerId, this.tx.providerId), eq(sessions.id, id)));
  }

  async deleteSession(id: string): Promise<void> {
    await this.tx.db
      .delete(sessions)
      .where(and(eq(sessions.providerId, this.tx.providerId), eq(sessions.id, id)));
  }

  /**
   * Ends the user's open sessions, all of them or all but `exceptId`; the rows stay until their
   * expiry so that a browser still holding one is told why it ended.
   */
  async endSessions(
    userId: string,
    ending: { reason: SessionEndReason; at: Date; exceptId?: string },
  ): Promise<void> {
    await this.tx.db
      .update(sessions)
      .set({ endedAt: ending.at, endReason: ending.reason })
      .where(
        and(
          eq(sessions.providerId, this.tx.providerId),
          eq(sessions.userId, userId),
          isNull(sessions.endedAt),
          ending.exceptId === undefined ? undefined : ne(sessions.id, ending.exceptId),
        ),
      );
  }

  /** Forgets the user's sessions whose lifetime is over, ended or not. */
  async deleteExpiredSessions(userId: string, now: Date): Promise<void> {
    await this.tx.db
      .delete(sessions)
      .where(
        and(
          eq(sessions.providerId, this.tx.providerId),
          eq(sessions.userId, userId),
          lte(sessions.expiresAt, now),
        ),
      );
  }

  async passwordHash(userId: string): Promise<string | undefined> {
    const [row] = await this.tx.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.providerId, this.tx.providerId), eq(users.id, userId)));
    return row?.passwordHash;
  }

  /** Locks the session (FOR UPDATE) while it is open: whether it is. */
  async lockOpenSession(id: string): Promise<boolean> {
    const open = await this.tx.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        and(
          eq(sessions.providerId, this.tx.providerId),
          eq(sessions.id, id),
          isNull(sessions.endedAt),
        ),
      )
      .for('update');
    return open.length > 0;
  }

  /** Replaces the user's password hash if it is still `fromHash`: whether it was. */
  async replacePasswordHash(userId: string, fromHash: string, toHash: string): Promise<boolean> {
    const updated = await this.tx.db
      .update(users)
      .set({ passwordHash: toHash })
      .where(
        and(
          eq(users.providerId, this.tx.providerId),
          eq(users.id, userId),
          eq(users.passwordHash, fromHash),
        ),
      )
      .returning({ id: users.id });
    return updated.length > 0;
  }

  async profile(userId: string) {
    const [row] = await this.tx.db
      .select({
        userId: users.id,
        email: users.email,
        providerId: providers.id,
        name: providers.name,
        billingNumber: providers.billingNumber,
      })
      .from(users)
      .innerJoin(providers, eq(providers.id, users.providerId))
      .where(and(eq(users.providerId, this.tx.providerId), eq(users.id, userId)));
    return row;
  }
}
