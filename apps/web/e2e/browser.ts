import { randomBytes, randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKGROUND_REQUEST_HEADER,
  type DashboardQuery,
  DashboardResponse,
  SESSION_COOKIE,
} from '@meritum/shared/client';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Request,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { searchFromQuery } from '../src/lib/dashboard-query';

export const DEMO = {
  email: 'amelia.chen@demo.meritum.ca',
  password: 'demo-password-chen',
  name: 'Dr. Amelia Chen',
};

/** A physician of a test's own: tests that change a password or end sessions never use a demo one. */
export interface Physician {
  name: string;
  billingNumber: string;
  email: string;
  password: string;
}

/** Sign-up details no one has used yet. */
export function newPhysicianDetails(): Physician {
  const tag = randomBytes(5).toString('hex');
  return {
    name: 'Dr. Tess Okafor',
    billingNumber: `T-${tag}`,
    email: `tess.${tag}@example.ca`,
    password: `password-of-${tag}`,
  };
}

/**
 * An address of its own for a call made straight to the API: it believes X-Forwarded-For from
 * loopback, as it does from the web app's proxy, so these calls count against limits of their
 * own and the browser's sign-up and login limits stay for what tests do through the page.
 */
const elsewhere = () => `10.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

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

/**
 * One Chromium per test file. Each test opens its own contexts (its own cookies), except the
 * demo physician's pages, which share one context per viewport (see signedInPage). Whatever a
 * test opened is closed after it: a page left open keeps polling and rendering, and slows every
 * test after it.
 */
export function browserPerFile() {
  const e2e = inject('e2e');
  let browser: Browser | undefined;
  /** The demo physician's session, shared by the file's pages (see signedInPage). */
  let demoSession: string | undefined;
  /** The demo physician's contexts, by viewport, holding demoSession. */
  const demoContexts = new Map<string, Promise<BrowserContext>>();
  /** What the running test opened: closed after it. */
  const opened: { close: () => Promise<void> }[] = [];
  beforeAll(async () => {
    if (!e2e) return;
    browser = await chromium.launch({ executablePath: e2e.chromium, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  async function newContext(viewport: typeof DESKTOP): Promise<BrowserContext> {
    if (!browser || !e2e) throw new Error('no browser');
    return browser.newContext({
      baseURL: e2e.webUrl,
      viewport,
      locale: 'en-CA',
      timezoneId: 'America/Edmonton',
    });
  }
  async function pageIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }
  async function newPage(viewport = DESKTOP): Promise<Page> {
    const context = await newContext(viewport);
    opened.push(context);
    return pageIn(context);
  }
  /** Calls the API itself (not through the web app), from an address of its own. */
  async function callApi(path: string, body: unknown): Promise<Response> {
    if (!e2e) throw new Error('no API');
    return fetch(`${e2e.apiUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': elsewhere() },
      body: JSON.stringify(body),
    });
  }
  const login = (who: { email: string; password: string }) =>
    callApi('/auth/login', { email: who.email, password: who.password });
  /** A new session of `who`'s: its token, from a login through the API. */
  async function sessionOf(who: { email: string; password: string }): Promise<string> {
    const response = await login(who);
    if (!response.ok) throw new Error(`login: ${response.status} ${await response.text()}`);
    const token = response.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0] ?? '')
      .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    if (!token) throw new Error('login: no session cookie');
    return token;
  }
  /** Gives the browser of `context` the session `token`, as after signing in. */
  async function holdSession(context: BrowserContext, token: string) {
    await context.addCookies([
      {
        name: SESSION_COOKIE,
        value: token,
        url: e2e?.webUrl ?? '',
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);
  }
  /** A page of its own whose browser holds the session `token`, as after signing in. */
  async function pageWith(token: string, viewport = DESKTOP): Promise<Page> {
    const page = await newPage(viewport);
    await holdSession(page.context(), token);
    return page;
  }
  /** The context of the demo physician's pages at `viewport`, opened on first use. */
  function demoContext(viewport: typeof DESKTOP): Promise<BrowserContext> {
    const key = `${viewport.width}x${viewport.height}`;
    let context = demoContexts.get(key);
    if (!context) {
      context = (async () => {
        demoSession ??= await sessionOf(DEMO);
        const made = await newContext(viewport);
        await holdSession(made, demoSession);
        return made;
      })();
      demoContexts.set(key, context);
    }
    return context;
  }
  return {
    available: e2e !== null,
    get webUrl() {
      return e2e?.webUrl ?? '';
    },
    /** A new physician, signed up through the API (see `elsewhere`). */
    async signUpPhysician(): Promise<Physician> {
      const who = newPhysicianDetails();
      const response = await callApi('/auth/signup', who);
      if (response.status !== 202) {
        throw new Error(`sign-up: ${response.status} ${await response.text()}`);
      }
      return who;
    },
    /** A login through the API (see `elsewhere`): its answer. */
    login,
    /**
     * A page of its own, signed in as `who` with a session of its own (a login through the API,
     * its cookie given to the browser), opened at `path` (null: not opened yet).
     */
    async pageSignedInAs(who: Physician, path: string | null, viewport = DESKTOP): Promise<Page> {
      const page = await pageWith(await sessionOf(who), viewport);
      if (path !== null) await page.goto(path);
      return page;
    },
    /** A page of its own (own cookies), signed out. */
    newPage,
    /**
     * A page already signed in as the demo physician, opened at `path` (null: not opened yet); on
     * the dashboard, the default, once its figures show. The file signs in once, through the
     * API from an address of its own, and reuses the session: logins are rate limited per
     * address, and the browser's are kept for the tests that sign in on the page. Its pages
     * share one context per viewport, so the app's scripts are fetched and compiled once per
     * file rather than once per test; each test still gets a page of its own, closed after it.
     * Tests about sessions, or that change what a context holds, use pageSignedInAs or newPage.
     */
    async signedInPage(viewport = DESKTOP, path: string | null = '/'): Promise<Page> {
      const page = await pageIn(await demoContext(viewport));
      opened.push(page);
      if (path === null) return page;
      await page.goto(path);
      if (path === '/') await page.locator('[data-kpi="billed"]').waitFor();
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

/** Whether the page sent this request on its own (polling, a refetch on focus). */
export const isBackground = (request: Request) =>
  request.headers()[BACKGROUND_REQUEST_HEADER] === '1';

/**
 * Gives the window its focus back until the page sends another of `reads` (a focus while a
 * read is still under way joins that read), and checks that what it sent were background reads.
 */
export async function refetchesInBackgroundOnFocus(page: Page, reads: readonly Request[]) {
  const before = reads.length;
  await expect
    .poll(async () => {
      await page.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
      return reads.length;
    })
    .toBeGreaterThan(before);
  expect(reads.slice(before).every(isBackground)).toBe(true);
}
