import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A physician billing AHCIP and WCB claims: the tenant every row of provider data belongs to. */
export const providers = pgTable('providers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  billingNumber: text('billing_number').notNull().unique('providers_billing_number_key'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type Provider = typeof providers.$inferSelect;
