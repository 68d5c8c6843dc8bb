// Exits 0 when a PostgreSQL server accepts a connection at the URL given, 1 otherwise.
// Uses the API's own driver (node-postgres), so it needs `pnpm install` first.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../apps/api/package.json', import.meta.url));
const pg = require('pg');
const client = new pg.Client({ connectionString: process.argv[2], connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  const { rows } = await client.query('show server_version');
  console.log(`PostgreSQL ${rows[0].server_version} accepts connections there`);
  await client.end();
  process.exit(0);
} catch (error) {
  console.log(`No usable PostgreSQL there (${error.message})`);
  process.exit(1);
}
