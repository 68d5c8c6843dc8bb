import { expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { signUp } from '../test/sign-up';

const ctx = useTestDatabase();
const app = useApp(ctx);

it('signs up and opens a dashboard', async () => {
  const { agent, providerId } = await signUp(app);
  const dashboard = await agent.get('/api/v1/analytics/dashboard?period=this_month');
  expect(providerId).toMatch(/^[0-9a-f-]{36}$/);
  expect(dashboard.status, dashboard.text).toBe(200);
  expect(dashboard.body.freshness.state).toBe('cold');
});
