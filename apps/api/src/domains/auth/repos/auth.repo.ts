import { providers, sessions, users } from '@meritum/shared';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';

export interface StoredSession {
  providerId: string;
  userId: string;
  secretHash: string;
  expiresAt: Date;
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
    }>(
      sql`select provider_id, user_id, secret_hash, expires_at::text from auth_session_by_id(${id})`,
    );
    const row = rows[0];
    return row
      ? {
          providerId: row.provider_id,
          userId: row.user_id,
          secretHash: row.secret_hash,
          expiresAt: new Date(row.expires_at),
        }
      : undefined;
  }

  async insertSession(session: { id: string } & StoredSession): Promise<void> {
    await withProviderScope(this.db, session.providerId, (tx) =>
      tx.insert(sessions).values(session),
    );
  }

  async extendSession(providerId: string, id: string, expiresAt: Date): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx
        .update(sessions)
        .set({ expiresAt })
        .where(and(eq(sessions.providerId, providerId), eq(sessions.id, id))),
    );
  }

  async deleteSession(providerId: string, id: string): Promise<void> {
    await withProviderScope(this.db, providerId, (tx) =>
      tx.delete(sessions).where(and(eq(sessions.providerId, providerId), eq(sessions.id, id))),
    );
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
