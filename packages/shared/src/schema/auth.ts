import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
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

/**
 * Sessions as Lucia's guide has them: the token is `<id>.<secret>`; only the SHA-256 of the
 * secret is stored (hex), compared in constant time; the expiry slides.
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
  },
  (t) => [index('sessions_provider_id_idx').on(t.providerId)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
