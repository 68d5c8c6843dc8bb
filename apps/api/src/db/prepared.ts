import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';

const dialect = new PgDialect();

/**
 * Runs a statement of the per-request path as a named prepared statement: PostgreSQL parses and
 * plans it once per connection instead of on every request (the dashboard's one statement and
 * the session lookup: measured in docs/benchmarks.md, dashboard-throughput). The name is a hash
 * of the text, so each distinct text is prepared once per connection; only for statements whose
 * text takes a handful of forms, every value travelling as a parameter.
 */
export async function preparedRows<Row extends object>(
  client: pg.Pool | pg.ClientBase,
  query: SQL,
): Promise<Row[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `meritum_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
  const result = await client.query<Row>({ name, text, values: params });
  return result.rows;
}
