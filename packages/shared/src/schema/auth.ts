import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, uuid, varchar } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns';
import { providers } from './providers';

/** A physician's login: one per provider. Emails are stored lower-cased. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  providerId: uuid('provider_id')
    .notNull()
    .unique('users_provider_id_key')
    .references(() => providers.id, { onDelete: 'cascade' }),
  email: text('email').notNull().unique('users_email_key'),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

/** Why a session ended before its time, so that the page can say so. */
export const SESSION_END_REASONS = ['signed_out_everywhere', 'password_changed'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * Sessions as Lucia's guide has them: the token is `<id>.<secret>`; only the SHA-256 of the
 * secret is stored (hex), compared in constant time. A session ends at `expires_at` (its
 * absolute lifetime), after an idle spell since `last_active_at`, or when `ended_at` is set
 * (signed out everywhere, password changed); an ended row stays until its expiry, to say why.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** The last request the user made; background polling does not count. */
    lastActiveAt: timestamptz('last_active_at').notNull().defaultNow(),
    endedAt: timestamptz('ended_at'),
    endReason: text('end_reason', { enum: SESSION_END_REASONS }),
  },
  (t) => [
    index('sessions_provider_id_idx').on(t.providerId),
    check(
      'sessions_end_reason_known',
      sql`(${t.endedAt} is null) = (${t.endReason} is null) and ${t.endReason} in (${sql.raw(SESSION_END_REASONS.map((r) => `'${r}'`).join(', '))})`,
    ),
  ],
);

/**
 * Login, sign-up and expensive-route limits, shared by every instance of the API: the table
 * rate-limiter-flexible's PostgreSQL store reads and writes (its three columns, in its order).
 * Keys name a limit and a hashed email, an address or a provider id; never a raw email.
 */
export const rateLimits = pgTable('rate_limits', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  /** Milliseconds since the epoch; null for a key that never expires. */
  expire: bigint('expire', { mode: 'number' }),
});

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
