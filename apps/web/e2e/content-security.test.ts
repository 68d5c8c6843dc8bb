import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserPerFile, DESKTOP } from './browser';

const browser = browserPerFile();

/** Every Content-Security-Policy violation the page reports, from any document it loads. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  // Bindings and init scripts come from the browser's debugging protocol, which the policy
  // does not govern.
  await page.exposeBinding('reportViolation', (_, text: string) => {
    violations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportViolation: (text: string) => void })
        .reportViolation;
      report(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

describe.skipIf(!browser.available)('the Content-Security-Policy', () => {
  it('lets every page run with nothing blocked: sign-in, sign-up, a 404, the dashboard, statements, claims', async () => {
    const page = await browser.newPage();
    const violations = await recordViolations(page);

    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click(); // its field errors, from script
    await page.locator('[aria-invalid="true"]').first().waitFor();
    await page.goto('/sign-up');
    await page.goto('/no-such-page');
    expect(violations).toEqual([]);

    const dashboard = await browser.signedInPage(DESKTOP, null);
    const dashboardViolations = await recordViolations(dashboard);
    await dashboard.goto('/');
    await dashboard.locator('[data-kpi="billed"]').waitFor();
    await dashboard.locator('.recharts-surface').first().hover();
    await dashboard.getByText('Show the figures as a table').click();
    await dashboard.getByLabel('Period', { exact: true }).selectOption('custom');
    await dashboard.getByRole('link', { name: 'Statements' }).click();
    await dashboard.waitForURL((url) => url.pathname === '/statements');
    await dashboard.getByRole('button', { name: 'Create statement' }).waitFor();
    await dashboard.goto('/claims?state=paid');
    await dashboard.locator('table.claims tbody a').first().click();
    await dashboard.getByRole('heading', { name: 'History' }).waitFor();
    expect(dashboardViolations).toEqual([]);
  });
});
