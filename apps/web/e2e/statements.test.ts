import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type DashboardQuery, Statement, StatementExportList } from '@meritum/shared/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { searchFromQuery } from '../src/lib/dashboard-query';
import { browserPerFile, DESKTOP, PHONE, screenshot, submitClaim } from './browser';
import { count, dollars, expectTilesToShow } from './figures';

const browser = browserPerFile();

/** The page's own alerts; Next's route announcer is an alert too, outside <main>. */
const alertIn = (page: Page) => page.locator('main [role="alert"]');
/** What the page announced politely, last. */
const announced = (page: Page) => page.locator('main > [role="status"]');

/** Today and the month before it, in Edmonton, as the API reckons periods. */
function lastMonth() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Edmonton' }).format(
    new Date(),
  );
  const [year = 0, month = 0] = today.split('-').map(Number);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const ym = `${y}-${String(m).padStart(2, '0')}`;
  return { month: ym, start: `${ym}-01`, end: `${ym}-${days}`, midMonth: `${ym}-15` };
}

/** A page signed in as the demo physician, on the Statements page, its list read. */
async function statementsPage(size = DESKTOP) {
  const page = await browser.signedInPage(size, '/statements');
  await page.locator('.statement-list, .panel.empty').first().waitFor();
  return page;
}

/** Creates a statement through the form and waits for its details; returns its id. */
async function createThroughPage(page: Page, query: DashboardQuery) {
  await page.getByLabel('Period', { exact: true }).selectOption(query.period);
  if (query.period === 'custom') {
    await page.getByLabel('From', { exact: true }).fill(query.start ?? '');
    await page.getByLabel('To', { exact: true }).fill(query.end ?? '');
  }
  await page.getByRole('radio', { name: query.claimType ?? 'All claims', exact: true }).check();
  const before = new URL(page.url()).searchParams.get('id');
  await page.getByRole('button', { name: 'Create statement' }).click();
  await page.waitForURL((url) => {
    const id = url.searchParams.get('id');
    return id !== null && id !== before;
  });
  const id = new URL(page.url()).searchParams.get('id') ?? '';
  await details(page, id).locator('[data-kpi="billed"]').waitFor();
  return id;
}

const details = (page: Page, id: string) =>
  page.locator(`.statement-details[data-statement-id="${id}"]`);
const card = (page: Page, id: string) =>
  page.locator(`.statement-list [data-statement-id="${id}"]`);

/** The API's statement, asked from the page, so with its session cookie. */
async function apiStatement(page: Page, id: string): Promise<Statement> {
  const response = await page.request.get(`/api/v1/analytics/statements/${id}`);
  if (!response.ok()) throw new Error(`statement: ${response.status()} ${await response.text()}`);
  return Statement.parse(await response.json());
}

/** Clicks an export button and returns the file the browser was handed. */
async function exportThrough(page: Page, button: 'Export CSV' | 'Export PDF') {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const bytes = await readFile(await download.path());
  return { fileName: download.suggestedFilename(), bytes };
}

/** Every row of a table: its cells' text. */
const rowsOf = (page: Page, selector: string) =>
  page
    .locator(`${selector} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.children, (cell) => cell.textContent ?? '')),
    );

describe.skipIf(!browser.available)('the Statements page in Chromium', () => {
  it('sends a visitor without a session to sign in', async () => {
    const page = await browser.newPage();

    await page.goto('/statements');

    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('is linked from the dashboard, and marks the page the physician is on', async () => {
    const page = await browser.signedInPage();
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.locator('[aria-current="page"]').textContent()).toBe('Dashboard');

    await nav.getByRole('link', { name: 'Statements' }).click();
    await page.waitForURL((url) => url.pathname === '/statements');

    await page.getByRole('heading', { name: 'Statements', level: 1 }).waitFor();
    expect(await nav.locator('[aria-current="page"]').textContent()).toBe('Statements');
  });

  it('creates a statement of last month with the API’s figures, digit for digit, listed as Current', async () => {
    const page = await statementsPage();
    const month = lastMonth();

    const id = await createThroughPage(page, { period: 'last_month' });
    const statement = await apiStatement(page, id);

    expect(statement.period).toEqual({ start: month.start, end: month.end });
    expect(statement.claimType).toBe('all');
    expect(statement.state).toBe('current');
    expect(statement.figures.metrics.claimsCount).toBeGreaterThan(50);
    await expectTilesToShow(page, statement.figures);
    expect(await rowsOf(page, '.statement-details table.monthly')).toEqual(
      statement.figures.monthly.map((m) => [
        expect.any(String),
        count(m.claimsCount),
        dollars(m.billedAmount),
        dollars(m.paidAmount),
      ]),
    );
    expect(await rowsOf(page, '.statement-details table.codes')).toEqual(
      statement.figures.topHealthServiceCodes.map((c) => [
        c.healthServiceCode,
        count(c.claimsCount),
        dollars(c.billedAmount),
      ]),
    );

    const listed = card(page, id);
    await listed.locator('[data-state="current"]').waitFor();
    expect(await listed.locator('.badge').textContent()).toBe('Current');
    expect(await listed.locator('[data-total="billed"]').textContent()).toBe(
      dollars(statement.figures.metrics.billedAmount),
    );
    expect(await listed.locator('[data-total="paid"]').textContent()).toBe(
      dollars(statement.figures.metrics.paidAmount),
    );
    expect(await listed.getByRole('link').getAttribute('aria-current')).toBe('true');
    await expect(announced(page).textContent()).resolves.toMatch(
      /^Statement created: .+ · All claims\. It is Current\.$/,
    );
  });

  it('exports a current statement as CSV and PDF through its buttons, and lists both exports', async () => {
    const page = await statementsPage();
    const id = await createThroughPage(page, { period: 'last_month' });
    const statement = await apiStatement(page, id);
    const billed = statement.figures.metrics.billedAmount;

    const csv = await exportThrough(page, 'Export CSV');
    const pdf = await exportThrough(page, 'Export PDF');

    const month = lastMonth().month;
    expect(csv.fileName).toBe(`meritum-statement-${month}-all-claims.csv`);
    expect(csv.bytes.toString('utf8')).toContain(`total,,,billedAmount,${billed}\n`);
    expect(pdf.fileName).toBe(`meritum-statement-${month}-all-claims.pdf`);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const history = details(page, id).locator('.exports li');
    await history.nth(1).waitFor();
    const recorded = StatementExportList.parse(
      await (await page.request.get(`/api/v1/analytics/statements/${id}/exports`)).json(),
    ).exports;
    const shown = await history.evaluateAll((items) =>
      items.map((item) => ({
        file: item.querySelector('.file-name')?.textContent,
        sha: item.querySelector('abbr')?.textContent,
        fullSha: item.querySelector('abbr')?.getAttribute('title'),
      })),
    );
    // Newest first: the PDF, then the CSV, each with the hash of the bytes the browser got.
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(shown.slice(0, 2)).toEqual([
      { file: pdf.fileName, sha: sha(pdf.bytes).slice(0, 12), fullSha: sha(pdf.bytes) },
      { file: csv.fileName, sha: sha(csv.bytes).slice(0, 12), fullSha: sha(csv.bytes) },
    ]);
    expect(recorded.map((e) => e.fileName)).toEqual(shown.map((s) => s.file));
    await expect(announced(page).textContent()).resolves.toBe(`Exported ${pdf.fileName}.`);
    await screenshot(page, 'statements-desktop');
  });

  it('refuses an export once a claim of its period changed, says why, and exports again after a re-run', async () => {
    const page = await statementsPage();
    const month = lastMonth();
    const id = await createThroughPage(page, { period: 'last_month', claimType: 'AHCIP' });
    const generated = await apiStatement(page, id);
    const n = generated.claimsCountAtGeneration;

    // The page still shows it current: the API refuses the export, and the page says why.
    await submitClaim(page, 'AHCIP', month.midMonth);
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await expect(alertIn(page).textContent()).resolves.toBe(
      'Nothing was exported. Claims changed since this statement was generated: re-run it to export.',
    );
    await card(page, id).locator('[data-state="changed"]').waitFor();

    await page.reload();
    const shown = details(page, id);
    await shown.locator('[data-state="changed"]').waitFor();
    const changedMonth = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'UTC',
      month: 'short',
      year: 'numeric',
    }).format(new Date(`${month.start}T00:00:00Z`));
    const change = `${count(n)} claims when generated, ${count(n + 1)} now. Changes in ${changedMonth}.`;
    expect(await shown.getByTestId('claims-change').textContent()).toBe(change);
    expect(await card(page, id).getByTestId('claims-change').textContent()).toBe(change);
    expect(await card(page, id).locator('.badge').textContent()).toBe('Claims changed');
    for (const name of ['Export CSV', 'Export PDF']) {
      const button = page.getByRole('button', { name });
      expect(await button.isDisabled()).toBe(true);
      await expect(button.evaluate((b) => b.getAttribute('aria-describedby'))).resolves.toBe(
        await shown.getByTestId('export-reason').getAttribute('id'),
      );
    }
    expect(await shown.getByTestId('export-reason').textContent()).toBe(
      'Claims changed since this statement was generated: re-run it to export.',
    );

    await page.getByRole('button', { name: 'Re-run' }).click();
    await shown.locator('[data-state="current"]').waitFor();
    // Announced once the list is read again too, which may land after the details show it.
    await expect
      .poll(() => announced(page).textContent())
      .toBe('Statement re-run. It is now Current.');
    const rerun = await apiStatement(page, id);
    expect(rerun.claimsCountAtGeneration).toBe(n + 1);
    await expectTilesToShow(page, rerun.figures);
    expect(await shown.getByTestId('export-reason').count()).toBe(0);
    const csv = await exportThrough(page, 'Export CSV');
    expect(csv.fileName).toBe(`meritum-statement-${month.month}-ahcip-claims.csv`);
    await card(page, id).locator('[data-state="current"]').waitFor();
  });

  it('says an expired statement must be re-run before it is exported', async () => {
    const page = await statementsPage();
    const id = await createThroughPage(page, { period: 'last_month' });
    // Only the clock makes a statement expire: the API's answer is aged on its way to the page.
    await page.route(`**/api/v1/analytics/statements/${id}`, async (route) => {
      const response = await route.fetch();
      const body = { ...(await response.json()), state: 'expired' };
      await route.fulfill({ response, json: body });
    });

    await page.reload();

    const shown = details(page, id);
    await shown.locator('[data-state="expired"]').waitFor();
    expect(await shown.locator('.badge').textContent()).toBe('Expired');
    expect(await shown.getByTestId('export-reason').textContent()).toBe(
      'Generated more than 24 hours ago: re-run it to export.',
    );
    expect(await page.getByRole('button', { name: 'Export PDF' }).isDisabled()).toBe(true);
  });

  it('creates a statement of a custom range of WCB claims, over the whole months it touches', async () => {
    const page = await statementsPage();
    const query: DashboardQuery = {
      period: 'custom',
      start: '2026-01-15',
      end: '2026-03-10',
      claimType: 'WCB',
    };

    const id = await createThroughPage(page, query);

    const byPeriod = await page.request.get(
      `/api/v1/analytics/statements?${searchFromQuery(query)}`,
    );
    const statement = Statement.parse(await byPeriod.json());
    expect(statement.id).toBe(id);
    expect(statement.period).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(statement.claimType).toBe('WCB');
    await expectTilesToShow(page, statement.figures);
    expect(await details(page, id).getByRole('heading', { level: 2 }).first().textContent()).toBe(
      'Jan 1–Mar 31, 2026 · WCB claims',
    );
    expect(await rowsOf(page, '.statement-details table.monthly')).toHaveLength(3);
  });

  it('refuses a custom range that ends before it starts, without asking the API', async () => {
    const page = await statementsPage();
    let posted = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/analytics/statements')) posted++;
    });

    await page.getByLabel('Period', { exact: true }).selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-06-01');
    await page.getByLabel('To', { exact: true }).fill('2026-05-01');
    await page.getByRole('button', { name: 'Create statement' }).click();

    await expect(alertIn(page).textContent()).resolves.toMatch(/^Start must not be after end/);
    await expect(page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    expect(posted).toBe(0);
  });

  it('shows the API’s refusal when a statement cannot be created, and a pending button meanwhile', async () => {
    const page = await statementsPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/v1/analytics/statements', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await held;
      await route.fulfill({
        status: 429,
        headers: { 'retry-after': '41' },
        json: { error: { code: 'RATE_LIMITED', message: 'Rate limit exceeded', requestId: 'r' } },
      });
    });

    await page.getByRole('button', { name: 'Create statement' }).click();
    const pending = page.getByRole('button', { name: 'Creating…' });
    await pending.waitFor();
    expect(await pending.isDisabled()).toBe(true);
    release();

    await expect(alertIn(page).textContent()).resolves.toBe(
      'The statement was not created. Too many statements created or exported in a minute: try again in 41 seconds.',
    );
    expect(await page.getByRole('button', { name: 'Create statement' }).isEnabled()).toBe(true);
  });

  it('deletes a statement only once the physician confirms, and it leaves the list', async () => {
    const page = await statementsPage();
    const id = await createThroughPage(page, { period: 'year_to_date', claimType: 'AHCIP' });
    await card(page, id).waitFor();
    const deleteButton = page.getByRole('button', { name: 'Delete statement' });

    await deleteButton.click();
    const question = page.getByRole('group', { name: /Delete this statement\?/ });
    await question.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await deleteButton.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete statement');
    expect((await page.request.get(`/api/v1/analytics/statements/${id}`)).status()).toBe(200);

    await deleteButton.click();
    await question.getByRole('button', { name: 'Delete', exact: true }).click();

    await card(page, id).waitFor({ state: 'detached' });
    await page.waitForURL((url) => !url.searchParams.has('id'));
    await expect(announced(page).textContent()).resolves.toBe('Statement deleted.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Your statements');
    expect((await page.request.get(`/api/v1/analytics/statements/${id}`)).status()).toBe(404);
    await page.reload();
    await page.locator('.statement-list').waitFor();
    expect(await card(page, id).count()).toBe(0);
  });

  it('opens a statement from the list, from the keyboard, and keeps it open on reload', async () => {
    const page = await statementsPage();
    const id = await createThroughPage(page, { period: 'this_quarter' });
    await page.goto('/statements');
    await card(page, id).waitFor();

    await card(page, id).getByRole('link').focus();
    await page.keyboard.press('Enter');

    await page.waitForURL((url) => url.searchParams.get('id') === id);
    await details(page, id).locator('[data-kpi="billed"]').waitFor();
    const heading = details(page, id).getByRole('heading', { level: 2 }).first();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      await heading.textContent(),
    );
    await page.reload();
    await details(page, id).locator('[data-kpi="billed"]').waitFor();
  });

  it('shows an empty list for a physician without statements', async () => {
    const page = await browser.signedInPage(DESKTOP, null);
    await page.route('**/api/v1/analytics/statements', (route) =>
      route.request().method() === 'GET'
        ? route.fulfill({ json: { statements: [] } })
        : route.fallback(),
    );

    await page.goto('/statements');

    await page.getByRole('heading', { name: 'No statements yet' }).waitFor();
    expect(await page.locator('.statement-card').count()).toBe(0);
  });

  it('shows an error with a retry when the list cannot be read, then recovers', async () => {
    const page = await browser.signedInPage(DESKTOP, null);
    await page.route('**/api/v1/analytics/statements', (route) =>
      route.fulfill({
        status: 503,
        json: {
          error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not answering.' },
        },
      }),
    );

    await page.goto('/statements');
    const alert = alertIn(page).filter({ hasText: 'could not be loaded' });
    await alert.waitFor({ timeout: 20_000 });
    await expect(alert.textContent()).resolves.toContain('The database is not answering.');

    await page.unroute('**/api/v1/analytics/statements');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.statement-list').waitFor();
  });

  it('sends the physician to sign in when the API says the session is over', async () => {
    const page = await browser.signedInPage(DESKTOP, null);
    await page.route('**/api/v1/analytics/statements', (route) =>
      route.fulfill({
        status: 401,
        json: { error: { code: 'UNAUTHENTICATED', message: 'sign in first' } },
      }),
    );

    await page.goto('/statements');

    await page.waitForURL((url) => url.pathname === '/sign-in');
  });

  it('is readable at phone width, without sideways scrolling', async () => {
    const page = await statementsPage(PHONE);
    const id = await createThroughPage(page, { period: 'last_month', claimType: 'AHCIP' });
    await exportThrough(page, 'Export CSV');
    await details(page, id).locator('.exports li').first().waitFor();

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));

    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    await screenshot(page, 'statements-phone');
  });
});
