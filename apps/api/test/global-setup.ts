import type { TestProject } from 'vitest/node';
import { openThrowawayServer } from './throwaway-server';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: {
      serverUrl: string;
      /** The run's application login (to the template; a worker points it at its own database). */
      loginUrl: string;
      templateName: string;
      prefix: string;
    };
  }
}

/**
 * Starts one PostgreSQL for the run (embedded 16, or the server at DATABASE_URL), migrates a
 * template database once, and leaves each worker to clone its own database from it. The
 * application's pools log in as the run's own least-privilege role, dropped at the end.
 */
export default async function setup(project: TestProject) {
  const server = await openThrowawayServer({
    databaseUrl: process.env.DATABASE_URL || undefined,
    label: 'test',
    fast: true,
  });
  await server.createMigratedDatabase('template');
  project.provide('testDatabase', {
    serverUrl: server.serverUrl,
    loginUrl: server.loginUrlOf(`${server.prefix}_template`),
    templateName: `${server.prefix}_template`,
    prefix: server.prefix,
  });
  return () => server.close();
}
