import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/** `json`: one JSON object a line, for machines (production). `pretty`: readable lines. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOutput {
  /** Default `json`. */
  format?: LogFormat;
  /** Standard output unless given (tests capture the lines); pretty lines need a Node stream. */
  destination?: DestinationStream;
  /** Colours in pretty lines; by default only on standard output that is a terminal. */
  colorize?: boolean;
}

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
 * Pretty lines are made from the JSON lines, after redaction and the serializers: they hold no
 * more than the JSON would. Synchronous, as pino's own standard output is, so no line is lost
 * when the process exits.
 */
function prettyStream(destination: DestinationStream | undefined, colorize?: boolean) {
  return pinoPretty({
    sync: true,
    destination,
    colorize: colorize ?? (destination === undefined && process.stdout.isTTY === true),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/**
 * The process's one logger: the API, the jobs and start-up all write through it. A bare stream is
 * the destination of JSON lines.
 */
export function createLogger(level: string, output: LogOutput | DestinationStream = {}): Logger {
  const {
    format = 'json',
    destination,
    colorize,
  }: LogOutput = 'write' in output ? { destination: output } : output;
  return pino(
    {
      level,
      redact: { paths: LOG_REDACTIONS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    format === 'pretty' ? prettyStream(destination, colorize) : destination,
  );
}
