// Starts the API and the web app together, then prints the page to open.
// The API (apps/api) brings up the embedded PostgreSQL, migrates and seeds the demo physicians;
// the web app (apps/web, built beforehand) proxies /api to it. Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const apiPort = Number(env.PORT || 3000);
const webPort = Number(env.WEB_PORT || 3001);
const apiOrigin = `http://${host}:${apiPort}`;
const webOrigin = `http://${host}:${webPort}`;

/** Fails at once on a taken port, before PostgreSQL starts and the demo data is seeded. */
async function assertFree(port, setting) {
  await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      process.stderr.write(
        `Port ${port} on ${host} is in use: stop what runs there, or set ${setting}.\n`,
      );
      process.exit(1);
    });
    probe.listen(port, host, () => probe.close(resolve));
  });
}
await assertFree(apiPort, 'PORT');
await assertFree(webPort, 'WEB_PORT');

/**
 * Each server runs its own binary in a process group of its own, so Ctrl+C in the terminal
 * reaches this script alone and each server gets exactly one SIGTERM: a second signal would
 * make the API skip its graceful shutdown of PostgreSQL.
 */
function run(name, command, args, cwd, extraEnv) {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`[${name}] ${line}\n`),
    );
  }
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ name, code, signal })),
  );
  return { child, exited };
}

const servers = [
  // The web app below is the API's proxy, on this host.
  run('api', 'node_modules/.bin/tsx', ['src/server.ts'], 'apps/api', {
    PORT: String(apiPort),
    HOST: host,
    TRUST_PROXY: 'loopback',
  }),
  // The web app's own server (apps/web/server.ts): Next's pages, and /api/* passed to the API.
  run('web', 'node_modules/.bin/tsx', ['server.ts'], 'apps/web', {
    PORT: String(webPort),
    HOST: host,
    API_ORIGIN: apiOrigin,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
  }),
];

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const { child } of servers) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// One server ending on its own ends the other: half of Meritum is of no use.
Promise.race(servers.map((s) => s.exited)).then(({ name, code, signal }) => {
  if (!stopping) process.stderr.write(`${name} stopped (${code ?? signal}); stopping the other.\n`);
  return stop(stopping ? 0 : 1);
});

/** The API is ours when /ready answers with its body; the web app when sign-in renders. */
async function ours() {
  try {
    const ready = await fetch(`${apiOrigin}/ready`);
    const signIn = await fetch(`${webOrigin}/sign-in`);
    return ready.ok && (await ready.text()).includes('"ready"') && signIn.ok;
  } catch {
    return false;
  }
}
while (!stopping && !(await ours())) await sleep(500);
if (!stopping) {
  process.stdout.write(
    `\nMeritum is running. Open ${webOrigin} and sign in as a demo physician listed above.\n\n`,
  );
}
