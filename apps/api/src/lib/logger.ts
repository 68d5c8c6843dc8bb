import pino, { type DestinationStream, type Logger } from 'pino';

/** Never log what authenticates a physician. */
export const LOG_REDACTIONS = [
  'req.headers.cookie',
  'req.headers.authorization',
  '*.headers.cookie',
  '*.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
];

/** Drizzle's DrizzleQueryError: the failed statement, and the values bound to it. */
function isFailedQuery(error: unknown): error is Error & { query: string; params: unknown[] } {
  const { query, params } = error as { query?: unknown; params?: unknown };
  return error instanceof Error && typeof query === 'string' && Array.isArray(params);
}

/**
 * Drizzle's DrizzleQueryError repeats a failed statement's parameters in its message, its stack
 * and `params`: a password hash when a sign-up fails, a session id, a physician's claims. The log
 * keeps the statement and the cause, never the values.
 */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; depth++, e = e.cause) {
    if (!isFailedQuery(e)) continue;
    const values = `\nparams: ${String(e.params)}`;
    for (const key of ['message', 'stack']) {
      const text = serialized[key];
      if (typeof text === 'string') {
        serialized[key] = text.replaceAll(values, '\nparams: [redacted]');
      }
    }
  }
  if (isFailedQuery(err)) serialized.params = '[redacted]';
  return serialized;
}

/**
 * The process's one logger: the API, the jobs and start-up all write through it. Standard output
 * unless given a destination (tests capture the lines).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: LOG_REDACTIONS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}
