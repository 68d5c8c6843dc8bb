import type pg from 'pg';

export interface CapturedStatement {
  /** Which pool sent it: 'app' (meritum_app) or 'jobs' (meritum_jobs). */
  pool: string;
  /** The connection that sent it, numbered in the order connected. */
  connection: number;
  text: string;
  values: readonly unknown[];
  /** What the caller's `origin()` said was running when it was sent: for failure messages. */
  origin: string;
}

let connections = 0;

/**
 * Records every statement the pool's connections send, as the server receives it (text and
 * bind values): Drizzle's queries, its BEGIN/COMMIT/SAVEPOINT, raw `execute`s alike. Wrapping
 * each client as the pool connects it reaches statements sent through `pool.query` and through
 * checked-out clients (transactions). Call before the pool's first query.
 */
export function captureStatements(
  pool: pg.Pool,
  label: string,
  into: CapturedStatement[],
  origin: () => string | undefined = () => undefined,
): void {
  pool.on('connect', (client) => {
    connections += 1;
    const connection = connections;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [config, second] = args;
      const text =
        typeof config === 'string' ? config : String((config as { text?: unknown })?.text ?? '');
      const values = Array.isArray(second)
        ? second
        : ((config as { values?: unknown[] } | undefined)?.values ?? []);
      into.push({ pool: label, connection, text, values, origin: origin() ?? 'unknown' });
      return query(...args);
    };
  });
}
