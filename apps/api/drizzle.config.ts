import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this file; migrations are applied by the app's migrator.
export default defineConfig({
  dialect: 'postgresql',
  schema: '../../packages/shared/src/schema/index.ts',
  out: './drizzle',
});
