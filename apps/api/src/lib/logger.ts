import pino, { type Logger } from 'pino';

/** Never log what authenticates a physician. */
export const LOG_REDACTIONS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
];

/** The process's one logger: the API, the jobs and start-up all write through it. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: LOG_REDACTIONS, censor: '[redacted]' } });
}
