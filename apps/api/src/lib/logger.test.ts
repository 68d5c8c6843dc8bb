import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from './logger';

/** A logger at trace level whose lines land in `lines`. */
function capture(format: LogFormat) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('trace', { format, destination }) };
}

/** Drizzle's DrizzleQueryError, as far as the serializer cares: the values in its message. */
function failedQuery(secret: string) {
  return Object.assign(new Error(`Failed query: select 1 where x = $1\nparams: ${secret}`), {
    query: 'select 1 where x = $1',
    params: [secret],
  });
}

describe('createLogger', () => {
  it('writes a readable line, not JSON, in the pretty format', () => {
    const { lines, logger } = capture('pretty');
    logger.info({ address: 'http://127.0.0.1:3000' }, 'Meritum API listening');
    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: Meritum API listening \{"address":"http:\/\/127\.0\.0\.1:3000"\}\n$/,
    );
    // No colour codes in a stream that is not a terminal.
    expect(line).not.toContain('\u001b[');
  });

  it('redacts cookies, passwords and failed statements’ values in pretty lines as in JSON ones', () => {
    for (const format of ['pretty', 'json'] as const) {
      const { lines, logger } = capture(format);
      logger.info(
        {
          req: { headers: { cookie: 'meritum_session=abc.secret-cookie' } },
          body: { email: 'dr@example.ca', password: 'secret-password' },
        },
        'incoming request',
      );
      logger.error({ err: failedQuery('secret-param') }, 'request failed');
      const logs = lines.join('');
      expect(logs, format).toContain('incoming request');
      expect(logs, format).toContain('dr@example.ca');
      expect(logs, format).toContain('[redacted]');
      expect(logs, format).toContain('select 1 where x = $1');
      for (const secret of ['secret-cookie', 'secret-password', 'secret-param']) {
        expect(logs, format).not.toContain(secret);
      }
    }
  });

  it('writes JSON lines by default and to a bare destination stream', () => {
    const lines: string[] = [];
    const logger = createLogger('info', {
      write: (line: string) => {
        lines.push(line);
      },
    });
    logger.info('hello');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 30, msg: 'hello' });
  });
});
