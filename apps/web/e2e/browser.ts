import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DashboardQuery, DashboardResponse } from '@meritum/shared/client';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { searchFromQuery } from '../src/lib/dashboard-query';

export const DEMO = {
  email: 'amelia.chen@demo.meritum.ca',
  password: 'demo-password-chen',
  name: 'Dr. Amelia Chen',
};

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The flags Chromium needs in a container with no network beyond loopback. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One Chromium per test file; each test opens its own context (its own cookies). */
export function browserPerFile() {
  const e2e = inject('e2e');
  let browser: Browser | undefined;
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
  beforeAll(async () => {
    if (!e2e) return;
    browser = await chromium.launch({ executablePath: e2e.chromium, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  async function newPage(
    viewport = DESKTOP,
    storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
  ): Promise<Page> {
    if (!browser || !e2e) throw new Error('no browser');
    const context = await browser.newContext({
      baseURL: e2e.webUrl,
      viewport,
      locale: 'en-CA',
      timezoneId: 'America/Edmonton',
      ...(storageState ? { storageState } : {}),
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }
  return {
    available: e2e !== null,
    get webUrl() {
      return e2e?.webUrl ?? '';
    },
    /** A page of its own (own cookies), signed out. */
    newPage,
    /**
     * A page already signed in as the demo physician, opened on the dashboard. The file signs in
     * once, through the API, and reuses the cookie: logins are rate limited per address.
     */
    async signedInPage(viewport = DESKTOP): Promise<Page> {
      if (!signedIn) {
        const page = await newPage();
        const login = await page.request.post('/api/v1/auth/login', {
          data: { email: DEMO.email, password: DEMO.password },
        });
        if (!login.ok()) throw new Error(`login: ${login.status()} ${await login.text()}`);
        signedIn = await page.context().storageState();
        await page.context().close();
      }
      const page = await newPage(viewport, signedIn);
      await page.goto('/');
      await page.locator('[data-kpi="billed"]').waitFor();
      return page;
    },
  };
}

export async function signIn(page: Page, who = DEMO) {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('[data-kpi="billed"]').waitFor();
}

/** The API's dashboard for a query, asked from the page, so with its session cookie. */
export async function apiDashboard(page: Page, query: DashboardQuery): Promise<DashboardResponse> {
  const response = await page.request.get(`/api/v1/analytics/dashboard?${searchFromQuery(query)}`);
  if (!response.ok()) throw new Error(`dashboard: ${response.status()} ${await response.text()}`);
  return DashboardResponse.parse(await response.json());
}

/** A claim of `claimType` on `dateOfService`, created and submitted through the API. */
export async function submitClaim(page: Page, claimType: 'AHCIP' | 'WCB', dateOfService: string) {
  const created = await page.request.post('/api/v1/claims', {
    data: { claimType, healthServiceCode: '03.04A', dateOfService, feeSubmitted: '88.10' },
  });
  if (created.status() !== 201)
    throw new Error(`claim: ${created.status()} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const moved = await page.request.post(`/api/v1/claims/${id}/transitions`, {
    data: { to: 'submitted' },
  });
  if (moved.status() !== 200) throw new Error(`submit: ${moved.status()} ${await moved.text()}`);
}

/** Every KPI tile: the API value it carries and the text a physician reads. */
export async function kpis(page: Page): Promise<Record<string, { value: string; text: string }>> {
  return page
    .locator('[data-kpi]')
    .evaluateAll((tiles) =>
      Object.fromEntries(
        tiles.map((tile) => [
          tile.getAttribute('data-kpi'),
          { value: tile.getAttribute('data-value') ?? '', text: tile.textContent ?? '' },
        ]),
      ),
    );
}

/** Waits until the page shows this query's figures (the URL has changed, the request landed). */
export async function settled(page: Page, query: DashboardQuery) {
  await page.waitForURL((url) => url.search === `?${searchFromQuery(query)}`);
  await page.locator('.updating').waitFor({ state: 'detached' });
}

const SCREENSHOT_DIR =
  process.env.SCREENSHOT_DIR ??
  fileURLToPath(new URL('../test-results/screenshots', import.meta.url));

export async function screenshot(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
