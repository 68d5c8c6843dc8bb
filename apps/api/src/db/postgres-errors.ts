/** SQLSTATE codes the application turns into typed errors. */
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_UNIQUE_VIOLATION = '23505';
/** query_canceled: the statement timeout fired (or someone cancelled the backend's query). */
export const PG_QUERY_CANCELED = '57014';

/** The SQLSTATE of a PostgreSQL error, looking through Drizzle's DrizzleQueryError wrapper. */
export function postgresErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Whether PostgreSQL cancelled the statement: its timeout (createAppPool) fired, most likely
 * behind a lock another session held. The request may well succeed once that is released.
 */
export function isStatementCancelled(error: unknown): boolean {
  return postgresErrorCode(error) === PG_QUERY_CANCELED;
}

/** The socket's own errors when nothing listens, or the connection drops or stalls. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Shutting down (57P01, 57P02), starting up (57P03), full (53300), connection exceptions (08). */
const UNAVAILABLE_STATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
// pg and pg-pool raise these as plain Errors, without a code.
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Whether an error says the database cannot be reached, or dropped the connection: the request
 * may well succeed once it is back. Looks through Drizzle's wrapper and Node's AggregateError
 * (one per address tried).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length > 0 && seen.size < 10) {
    const current = pending.pop();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) {
      return true;
    }
    pending.push(cause, ...(Array.isArray(errors) ? errors : []));
  }
  return false;
}
