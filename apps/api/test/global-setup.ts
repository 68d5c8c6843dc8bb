import type { TestProject } from 'vitest/node';
import { CITUS_DATABASES, reportCitusRun } from './citus';
import { openThrowawayServer } from './throwaway-server';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: {
      serverUrl: string;
      /** The run's application login (to the template; a worker points it at its own database). */
      loginUrl: string;
      templateName: string;
      prefix: string;
      /** A Citus run (`pnpm test:citus`): each database is made on the cluster and distributed. */
      citus: boolean;
    };
  }
}

/**
 * Starts one PostgreSQL for the run (embedded 16, or the server at DATABASE_URL), migrates a
 * template database once, and leaves each worker to clone its own database from it. The
 * application's pools log in as the run's own least-privilege role, dropped at the end.
 */
export default async function setup(project: TestProject) {
  const citus = process.env.TEST_CITUS === '1';
  if (citus && !process.env.CITUS_URL) throw new Error('a Citus run needs CITUS_URL');
  const server = await openThrowawayServer({
    databaseUrl: (citus ? process.env.CITUS_URL : process.env.DATABASE_URL) || undefined,
    label: citus ? 'citus' : 'test',
    fast: true,
    databases: citus ? CITUS_DATABASES : undefined,
  });
  await server.createMigratedDatabase('template');
  project.provide('testDatabase', {
    serverUrl: server.serverUrl,
    loginUrl: server.loginUrlOf(`${server.prefix}_template`),
    templateName: `${server.prefix}_template`,
    prefix: server.prefix,
    citus,
  });
  return async () => {
    if (citus) console.log(`\n${await reportCitusRun(server.serverUrl, server.prefix)}\n`);
    await server.close();
  };
}
