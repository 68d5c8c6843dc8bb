import { parseEnvironment } from '@meritum/shared/client';
import { z } from 'zod';

/** What the web app's server reads from the environment, validated once at start. */
export const WebConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the API listens; /api/* is passed on to it. */
  API_ORIGIN: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000'),
  /** `development` runs Next's dev server (hot reload) behind the same proxy. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
});
export type WebConfig = z.infer<typeof WebConfig>;

export function loadWebConfig(env: Record<string, string | undefined>): WebConfig {
  return parseEnvironment(WebConfig, env);
}
