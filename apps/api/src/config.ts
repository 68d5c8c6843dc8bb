import { parseEnvironment } from '@meritum/shared';
import { z } from 'zod';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './db/client';
import { DEFAULT_SESSION_POLICY } from './domains/auth/session-policy';
import { LOG_FORMATS } from './lib/logger';

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Every setting the process reads, validated once at boot. Nothing else reads process.env. */
export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** Unset: a PostgreSQL 16 embedded in the process's own data directory. */
    DATABASE_URL: z.preprocess(
      unsetIfEmpty,
      z
        .url({ protocol: /^postgres(ql)?$/, message: 'DATABASE_URL must be a postgres:// URL' })
        .optional(),
    ),
    /**
     * The owner's connection string, for migrations only; defaults to DATABASE_URL. DATABASE_URL is
     * then the API's own login, a role holding meritum_app and meritum_jobs and nothing else
     * (production refuses to start with a login that can bypass row-level security).
     */
    MIGRATION_DATABASE_URL: z.preprocess(
      unsetIfEmpty,
      z
        .url({
          protocol: /^postgres(ql)?$/,
          message: 'MIGRATION_DATABASE_URL must be a postgres:// URL',
        })
        .optional(),
    ),
    /** PostgreSQL cancels a statement of the API's that runs longer (a 503 DATABASE_TIMEOUT). */
    DB_STATEMENT_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .max(3_600_000)
      .default(STATEMENT_TIMEOUT_MS),
    /** PostgreSQL ends an API session left this long inside a transaction doing nothing. */
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .max(3_600_000)
      .default(IDLE_IN_TRANSACTION_TIMEOUT_MS),
    /** Where the embedded PostgreSQL keeps its data; defaults to .data/postgres in the checkout. */
    PG_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
    /**
     * Peers whose X-Forwarded-* headers are believed (Fastify's trustProxy: addresses, CIDRs or
     * loopback/linklocal/uniquelocal, comma-separated), so the web app's proxy keeps the browser's
     * host for the Origin check and its address for rate limits. `off` (the default) trusts none;
     * `pnpm start` runs the web app on this host and sets `loopback`.
     */
    TRUST_PROXY: z.string().min(1).default('off'),
    /**
     * How many trusted proxies in a row stand before the API (default 1: the web app's). The
     * client is the address the outermost of them saw; anything a client wrote before it is
     * ignored.
     */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    /** A session ends after this many minutes without a request the user made. */
    SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(DEFAULT_SESSION_POLICY.idleMinutes),
    /** A session ends this many hours after sign-in, however active. */
    SESSION_MAX_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(DEFAULT_SESSION_POLICY.maxHours),
    /** Demo physicians and claims in an empty database: on with the embedded server, never in production. */
    DEMO_DATA: z.preprocess(unsetIfEmpty, z.enum(['on', 'off']).optional()),
    /** When the nightly analytics refresh runs, a cron pattern in Edmonton time. */
    NIGHTLY_CRON: z.string().min(9).default('30 2 * * *'),
    /** How long a statement may be exported without a re-run, in hours. */
    STATEMENT_MAX_AGE_HOURS: z.coerce.number().positive().max(8_784).default(24),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** `pretty`: readable lines; `json`: one JSON object a line. Default: json in production only. */
    LOG_FORMAT: z.preprocess(unsetIfEmpty, z.enum(LOG_FORMATS).optional()),
  })
  .refine((config) => !(config.NODE_ENV === 'production' && config.DEMO_DATA === 'on'), {
    path: ['DEMO_DATA'],
    message: 'demo data (known passwords) is never seeded in production: unset DEMO_DATA',
  })
  .transform((config) => ({
    ...config,
    // Demo physicians have published passwords: by default only in the embedded database, and
    // never in production, so a server of one's own (DATABASE_URL) gets them only when asked.
    DEMO_DATA:
      config.DEMO_DATA ??
      (config.NODE_ENV === 'production' || config.DATABASE_URL !== undefined ? 'off' : 'on'),
    // Log collectors parse JSON; a developer reads the lines.
    LOG_FORMAT: config.LOG_FORMAT ?? (config.NODE_ENV === 'production' ? 'json' : 'pretty'),
  }));
export type Config = z.infer<typeof Config>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return parseEnvironment(Config, env);
}
