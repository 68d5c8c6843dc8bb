// Starts the API and the web app together, then prints the page to open.
// The API (apps/api) brings up the embedded PostgreSQL, migrates and seeds the demo physicians;
// the web app (apps/web, built beforehand) proxies /api to it. Ctrl+C stops both.
import { setTimeout as sleep } from 'node:timers/promises';
import { concurrently } from 'concurrently';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const apiPort = env.PORT || '3000';
const webPort = env.WEB_PORT || '3001';
const apiOrigin = `http://${host}:${apiPort}`;
const webOrigin = `http://${host}:${webPort}`;

const { result } = concurrently(
  [
    {
      name: 'api',
      command: 'pnpm --filter @meritum/api start',
      env: { PORT: apiPort, HOST: host },
    },
    {
      name: 'web',
      command: `pnpm --filter @meritum/web exec next start --hostname ${host} --port ${webPort}`,
      env: { API_ORIGIN: apiOrigin, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    },
  ],
  { prefixColors: ['blue', 'green'], killOthersOn: ['failure', 'success'], handleInput: false },
);

let stopped = false;
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
result.finally(() => {
  stopped = true;
});

/** Waits until both answer; the API answers once its demo data is in. */
async function answers(url) {
  try {
    return (await fetch(url, { redirect: 'manual' })).status < 500;
  } catch {
    return false;
  }
}
while (
  !stopped &&
  !((await answers(`${apiOrigin}/ready`)) && (await answers(`${webOrigin}/sign-in`)))
) {
  await sleep(500);
}
if (!stopped) {
  process.stdout.write(
    `\nMeritum is running. Open ${webOrigin} and sign in as a demo physician listed above.\n\n`,
  );
}
