import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * A PostgreSQL bigint carried as a decimal string: exact beyond 2^53 and JSON-safe.
 * node-postgres already returns int8 as a string, so no parsing happens on the way back.
 */
export const bigintString = customType<{ data: string; driverData: string }>({
  dataType: () => 'bigint',
});

/** A timestamptz read as a JS Date. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
