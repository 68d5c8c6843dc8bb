/** SQLSTATE codes the application turns into typed errors. */
export const PG_FOREIGN_KEY_VIOLATION = '23503';

/** The SQLSTATE of a PostgreSQL error, looking through Drizzle's DrizzleQueryError wrapper. */
export function postgresErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
