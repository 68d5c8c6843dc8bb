import type { DashboardQuery } from '@meritum/shared/client';
import { formatCents, toCents } from '@meritum/shared/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  apiDashboard,
  browserPerFile,
  DEMO,
  DESKTOP,
  kpis,
  PHONE,
  screenshot,
  settled,
  signIn,
} from './browser';
import { expectTilesToShow } from './figures';

const browser = browserPerFile();

/** The page's own alerts; Next's route announcer is an alert too, outside <main>. */
const alertIn = (page: Page) => page.locator('main [role="alert"]');

describe.skipIf(!browser.available)('the dashboard in Chromium', () => {
  it('sends a visitor without a session to sign in', async () => {
    const page = await browser.newPage();

    await page.goto('/');

    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  });

  it('refuses a wrong password with a message, and stays on sign-in', async () => {
    const page = await browser.newPage();
    await page.goto('/sign-in');

    await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect(alertIn(page).textContent()).resolves.toBe(
      'That email and password do not match an account.',
    );
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('signs a demo physician in and shows KPI tiles equal to the API’s dashboard', async () => {
    const page = await browser.newPage();

    await signIn(page);

    await expect(page.getByText(DEMO.name).isVisible()).resolves.toBe(true);
    const dashboard = await apiDashboard(page, { period: 'last_12_months' });
    expect(dashboard.metrics.claimsCount).toBeGreaterThan(500);
    await expectTilesToShow(page, dashboard);
    const codes = await page.locator('table.codes tbody th').allTextContents();
    expect(codes).toEqual(dashboard.topHealthServiceCodes.map((c) => c.healthServiceCode));
    await screenshot(page, 'dashboard-desktop');
  });

  it('is readable at phone width, without sideways scrolling', async () => {
    const page = await browser.signedInPage(PHONE);

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));

    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    await expectTilesToShow(page, await apiDashboard(page, { period: 'last_12_months' }));
    await screenshot(page, 'dashboard-phone');
  });

  it('follows the period and the claim type the physician chooses', async () => {
    const page = await browser.signedInPage();

    await page.getByLabel('Period', { exact: true }).selectOption('this_quarter');
    await page.getByRole('radio', { name: 'WCB' }).check();
    const quarterWcb: DashboardQuery = { period: 'this_quarter', claimType: 'WCB' };
    await settled(page, quarterWcb);
    await expectTilesToShow(page, await apiDashboard(page, quarterWcb));

    await page.getByLabel('Period', { exact: true }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-01-15');
    await page.getByLabel('To', { exact: true }).fill('2026-06-10');
    await page.getByRole('button', { name: 'Apply' }).click();
    const custom: DashboardQuery = {
      period: 'custom',
      start: '2026-01-15',
      end: '2026-06-10',
      claimType: 'WCB',
    };
    await settled(page, custom);
    const customDashboard = await apiDashboard(page, custom);
    expect(customDashboard.period).toEqual({ start: '2026-01-01', end: '2026-06-30' });
    await expectTilesToShow(page, customDashboard);
    await expect(page.getByTestId('period').textContent()).resolves.toBe(
      'Jan 1–Jun 30, 2026 · WCB claims',
    );

    await page.getByRole('radio', { name: 'All claims' }).check();
    const allClaims: DashboardQuery = { period: 'custom', start: '2026-01-15', end: '2026-06-10' };
    await settled(page, allClaims);
    await expectTilesToShow(page, await apiDashboard(page, allClaims));
  });

  it('refuses a custom range that ends before it starts, and keeps the figures shown', async () => {
    const page = await browser.signedInPage();
    const before = await kpis(page);

    await page.getByLabel('Period', { exact: true }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-06-01');
    await page.getByLabel('To', { exact: true }).fill('2026-05-01');
    await page.getByRole('button', { name: 'Apply' }).click();

    await expect(alertIn(page).textContent()).resolves.toMatch(/^Start must not be after end/);
    await expect(page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    expect(new URL(page.url()).search).toBe(''); // still the default view
    expect(await kpis(page)).toEqual(before);
  });

  it('shows a claim transitioned through the API once the physician refreshes', async () => {
    const page = await browser.signedInPage();
    await page.getByLabel('Period', { exact: true }).selectOption('this_month');
    await settled(page, { period: 'this_month' });
    const before = await kpis(page);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Edmonton' }).format(
      new Date(),
    );
    const created = await page.request.post('/api/v1/claims', {
      data: {
        claimType: 'AHCIP',
        healthServiceCode: '03.03A',
        dateOfService: today,
        feeSubmitted: '123.45',
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const body of [
      { to: 'submitted' },
      { to: 'adjusted', feeAssessed: '120.05', explanatoryCodes: ['21'] },
    ]) {
      const moved = await page.request.post(`/api/v1/claims/${id}/transitions`, { data: body });
      expect(moved.status(), await moved.text()).toBe(200);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();

    const plus = (amount: string | undefined, cents: bigint) =>
      formatCents(toCents(amount ?? '0') + cents);
    await page.waitForFunction(
      (expected) =>
        document.querySelector('[data-kpi="billed"]')?.getAttribute('data-value') === expected,
      plus(before.billed?.value, 12345n),
    );
    const after = await kpis(page);
    expect(after.billed?.value).toBe(plus(before.billed?.value, 12345n));
    expect(after.paid?.value).toBe(plus(before.paid?.value, 12005n));
    await expectTilesToShow(page, await apiDashboard(page, { period: 'this_month' }));
    // The transitions' own refresh may still be running: the page reads again until it lands.
    await page.locator('.badge', { hasText: 'Updated just now' }).waitFor();
    const announced = page.getByRole('status').filter({ hasText: 'Figures' });
    await expect(announced.textContent()).resolves.toBe('Figures up to date');
  });

  it('signs out, and the dashboard asks for sign-in again', async () => {
    const page = await browser.newPage();
    await signIn(page);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');

    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect((await page.request.get('/api/v1/auth/me')).status()).toBe(401);
  });

  it('signs a new physician up and shows an empty dashboard', async () => {
    const page = await browser.newPage();
    await page.goto('/sign-up');
    const email = `new.${Date.now()}@example.ca`;
    const password = 'a-long-enough-password';

    await page.getByLabel('Full name').fill('Dr. Nora Quill');
    await page.getByLabel('Billing number').fill('NQ-2026');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    const answered = (path: string) =>
      page.waitForResponse((response) => new URL(response.url()).pathname === path);
    const [signup, login] = await Promise.all([
      answered('/api/v1/auth/signup'),
      answered('/api/v1/auth/login'),
      page.getByRole('button', { name: 'Create your account' }).click(),
    ]);
    await page.waitForURL((url) => url.pathname === '/');

    // Sign-up opens no session (it answers alike for details already taken): the page signs in.
    expect(signup.status()).toBe(202);
    expect(await signup.headerValue('set-cookie')).toBeNull();
    expect(login.status()).toBe(200);
    expect(login.request().postDataJSON()).toEqual({ email, password });

    await page.getByRole('heading', { name: 'No claims in this period' }).waitFor();
    expect(await kpis(page)).toMatchObject({
      billed: { value: '0.00', text: '$0.00' },
      'rejection-rate': { value: '', text: '—' },
    });
  });

  it('shows an error with a retry when the dashboard cannot be read, then recovers', async () => {
    const page = await browser.signedInPage(DESKTOP);
    await page.route('**/api/v1/analytics/dashboard?period=this_month', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not answering.' },
        }),
      }),
    );

    await page.getByLabel('Period', { exact: true }).selectOption('this_month');
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.textContent()).resolves.toContain('The database is not answering.');

    await page.unroute('**/api/v1/analytics/dashboard?period=this_month');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('[data-kpi="billed"]').waitFor();
    await expectTilesToShow(page, await apiDashboard(page, { period: 'this_month' }));
  });
});
