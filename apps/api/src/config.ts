import { z } from 'zod';

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Every setting the process reads, validated once at boot. Nothing else reads process.env. */
export const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Unset: a PostgreSQL 16 embedded in the process's own data directory. */
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .url({ protocol: /^postgres(ql)?$/, message: 'DATABASE_URL must be a postgres:// URL' })
      .optional(),
  ),
  /** Where the embedded PostgreSQL keeps its data; defaults to .data/postgres in the checkout. */
  PG_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  /**
   * Peers whose X-Forwarded-* headers are believed (Fastify's trustProxy: addresses, CIDRs or
   * loopback/linklocal/uniquelocal, comma-separated), so the web app's proxy keeps the browser's
   * host for the Origin check and its address for rate limits. `off` (the default) trusts none;
   * `pnpm start` runs the web app on this host and sets `loopback`.
   */
  TRUST_PROXY: z.string().min(1).default('off'),
  DEMO_DATA: z.enum(['on', 'off']).default('on'),
  /** When the nightly analytics refresh runs, a cron pattern in Edmonton time. */
  NIGHTLY_CRON: z.string().min(9).default('30 2 * * *'),
  /** How long a statement may be exported without a re-run, in hours. */
  STATEMENT_MAX_AGE_HOURS: z.coerce.number().positive().max(8_784).default(24),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof Config>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = Config.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}
