import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserPerFile, DESKTOP, kpis, PHONE, settled, submitClaim } from './browser';

const browser = browserPerFile();

/** axe-core's WCAG 2.1 A and AA rules, run in the page as it stands. */
async function violations(page: Page) {
  await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(
    (tags) => (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: tags }),
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
  );
  // A run that checked nothing would pass too: make sure the rules had something to check.
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/** Presses Tab, as a keyboard user would, until the focus is on `selector`. */
async function tabTo(page: Page, selector: string) {
  for (let presses = 0; presses < 25; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe.skipIf(!browser.available)('accessibility', () => {
  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])(
    'has no WCAG 2.1 AA violations on sign-in, sign-up and the dashboard (%s)',
    async (_, size) => {
      const page = await browser.newPage(size);
      await page.goto('/sign-in');
      await page.getByRole('button', { name: 'Sign in' }).click(); // with its field errors shown
      expect(await violations(page)).toEqual([]);
      // Back from a session that ended, saying why.
      await page.goto('/sign-in?ended=SESSION_IDLE');
      await page.locator('main [role="status"].notice').waitFor();
      expect(await violations(page)).toEqual([]);
      await page.goto('/sign-up');
      expect(await violations(page)).toEqual([]);

      const dashboard = await browser.signedInPage(size);
      await dashboard.getByText('Show the figures as a table').click();
      await dashboard.getByLabel('Period', { exact: true }).selectOption('custom');
      expect(await violations(dashboard)).toEqual([]);
    },
  );

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])(
    'has no WCAG 2.1 AA violations on the Statements page, a changed statement open (%s)',
    async (_, size) => {
      const page = await browser.signedInPage(size, null);
      // A month nothing else reads: its statement is made, then a claim in it changes it.
      const created = await page.request.post('/api/v1/analytics/statements', {
        data: { period: 'custom', start: '2025-03-01', end: '2025-03-31', claimType: 'WCB' },
      });
      expect(created.status(), await created.text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      await submitClaim(page, 'WCB', '2025-03-12');

      await page.goto(`/statements?id=${id}`);
      await page.locator('.statement-details [data-state="changed"]').waitFor();
      await page.locator('.exports, .export-history p').first().waitFor();
      await page.getByLabel('Period', { exact: true }).selectOption('custom');
      await page.getByRole('button', { name: 'Delete statement' }).click();
      expect(await violations(page)).toEqual([]);
    },
  );

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])(
    'has no WCAG 2.1 AA violations on the password page, its errors shown (%s)',
    async (_, size) => {
      const page = await browser.signedInPage(size, '/account');
      await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Change password' }).click(); // nothing filled in
      await page.locator('main .field-error').first().waitFor();
      expect(await violations(page)).toEqual([]);

      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      }));
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    },
  );

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])(
    'has no WCAG 2.1 AA violations on a list of claims and on a claim with its history (%s)',
    async (_, size) => {
      const page = await browser.signedInPage(
        size,
        '/claims?state=rejected&state=written_off&explanatoryCode=05',
      );
      await page.locator('[data-total="count"]').waitFor();
      expect(await violations(page)).toEqual([]);

      await page.locator('table.claims tbody tr').first().getByRole('link').click();
      await page.getByRole('heading', { name: 'History' }).waitFor();
      expect(await violations(page)).toEqual([]);
    },
  );

  it('works from the keyboard: a KPI tile opens its claims, and a claim opens from the list', async () => {
    const page = await browser.signedInPage();

    await tabTo(page, 'main .kpi-value a');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/claims');
    await page.locator('[data-total="count"]').waitFor();
    await tabTo(page, 'table.claims tbody a');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => /^\/claims\/[0-9a-f-]{36}$/.test(url.pathname));
    await page.getByRole('heading', { name: 'History' }).waitFor();
  });

  it('works from the keyboard on the password page: the header leads there, the form is in order', async () => {
    const page = await browser.signedInPage();

    await tabTo(page, 'header a[href="/account"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    await tabTo(page, 'main input[autocomplete="current-password"]');
    await page.keyboard.press('Tab');
    await expect(
      page.evaluate(() => document.activeElement?.getAttribute('autocomplete')),
    ).resolves.toBe('new-password');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'Change password',
    );
  });

  it('works from the keyboard on Statements: create one, and land on its figures', async () => {
    const page = await browser.signedInPage(DESKTOP, '/statements');
    await page.locator('.statement-list, .panel.empty').first().waitFor();

    await tabTo(page, 'main select');
    await page.keyboard.press('ArrowDown'); // Last month → This quarter
    await tabTo(page, 'main input[type="radio"]:checked');
    await page.keyboard.press('ArrowRight'); // All claims → AHCIP
    await tabTo(page, 'main button[type="submit"]');
    await page.keyboard.press('Enter');

    await page.waitForURL((url) => url.searchParams.has('id'));
    await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toMatch(
      / · AHCIP claims$/,
    );
    expect(await kpis(page)).toHaveProperty('billed');
  });

  it('works from the keyboard: sign in, choose a period and a claim type', async () => {
    const page = await browser.newPage();
    await page.goto('/sign-in');

    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('type'))).resolves.toBe(
      'email',
    );
    await page.keyboard.type('amelia.chen@demo.meritum.ca');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo-password-chen');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/');
    await page.locator('[data-kpi="billed"]').waitFor();

    await tabTo(page, 'select');
    await page.keyboard.press('ArrowUp'); // Last 12 months → Year to date
    await settled(page, { period: 'year_to_date' });
    await tabTo(page, 'input[type="radio"]:checked');
    await page.keyboard.press('ArrowRight'); // All claims → AHCIP
    await settled(page, { period: 'year_to_date', claimType: 'AHCIP' });
    expect(await kpis(page)).toHaveProperty('billed');
  });

  it('labels the chart with a text alternative and keeps every month in a table', async () => {
    const page = await browser.signedInPage();

    const label = await page.getByRole('img', { name: /Bar chart of billed and paid/ }).count();
    await page.getByText('Show the figures as a table').click();
    const rows = await page.locator('.chart-table tbody tr').count();

    expect(label).toBe(1);
    expect(rows).toBe(12);
  });
});
