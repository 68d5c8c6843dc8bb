import { randomBytes } from 'node:crypto';
import { access, constants, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort, type Started, startProcess } from './processes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Null when no Chromium is installed: the browser tests are skipped, with a notice. */
    e2e: { chromium: string; webUrl: string; apiUrl: string } | null;
  }
}

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const API_DIR = fileURLToPath(new URL('../../api', import.meta.url));

async function exists(path: string, mode = constants.F_OK) {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium (apt install chromium), or the browser at CHROMIUM_PATH. */
async function findChromium(): Promise<string | null> {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) {
    if (path && (await exists(path, constants.X_OK))) return path;
  }
  return null;
}

/**
 * Starts what `pnpm start` starts, on ports of its own: the API (its own embedded PostgreSQL 16
 * in a throw-away folder, migrated and seeded with the demo physicians) and the built web app
 * proxying to it. DATABASE_URL is ignored here, so the demo data never lands in a shared server.
 */
export default async function setup(project: TestProject) {
  const chromium = await findChromium();
  if (!chromium) {
    const message =
      'No Chromium found (apt install chromium, or set CHROMIUM_PATH): the browser tests are skipped.';
    if (process.env.REQUIRE_BROWSER === '1') throw new Error(message);
    process.stderr.write(`\n${message}\n\n`);
    project.provide('e2e', null);
    return;
  }
  if (!(await exists(join(WEB_DIR, '.next', 'BUILD_ID')))) {
    throw new Error(
      'apps/web is not built: run `pnpm --filter @meritum/web build` (pnpm test does).',
    );
  }

  const dataDir = join(
    tmpdir(),
    `meritum-web-e2e-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
  );
  const started: Started[] = [];
  const teardown = async () => {
    for (const server of started.reverse()) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    // The embedded server's passwords, kept beside its data directory.
    await rm(`${dataDir}.credentials.json`, { force: true });
  };
  try {
    const api = await startProcess(
      'the API',
      join(API_DIR, 'node_modules', '.bin', 'tsx'),
      ['src/server.ts'],
      {
        cwd: API_DIR,
        env: {
          ...process.env,
          DATABASE_URL: '',
          PG_DATA_DIR: dataDir,
          PORT: '0',
          HOST: '127.0.0.1',
          DEMO_DATA: 'on',
          NODE_ENV: 'development',
          LOG_LEVEL: 'warn',
          TRUST_PROXY: 'loopback',
        },
        timeoutMs: 120_000,
      },
      (output) => /Meritum API:\s+(http:\/\/\S+)/.exec(output)?.[1],
    );
    started.push(api);

    const webPort = await freePort();
    // The web app's own server (server.ts), as `pnpm start` and production run it.
    const web = await startProcess(
      'the web app',
      join(WEB_DIR, 'node_modules', '.bin', 'tsx'),
      ['server.ts'],
      {
        cwd: WEB_DIR,
        env: {
          ...process.env,
          PORT: String(webPort),
          HOST: '127.0.0.1',
          API_ORIGIN: api.value,
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
        },
        timeoutMs: 60_000,
      },
      (output) => /Meritum web:\s+(http:\/\/\S+)/.exec(output)?.[1],
    );
    started.push(web);

    project.provide('e2e', { chromium, webUrl: web.value, apiUrl: api.value });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
