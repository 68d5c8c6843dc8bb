import { SESSION_END_CODES } from '@meritum/shared/client';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserPerFile,
  isBackground,
  kpis,
  newPhysicianDetails,
  refetchesInBackgroundOnFocus,
  settled,
} from './browser';

const browser = browserPerFile();

/** The page's own alerts; Next's route announcer is an alert too, outside <main>. */
const alertIn = (page: Page) => page.locator('main [role="alert"]');
/** What sign-in says about the last session, politely. */
const notice = (page: Page) => page.locator('main [role="status"]');

/** Waits for the dashboard's figures. */
const figures = (page: Page) => page.locator('[data-kpi="billed"]').waitFor();

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The page, after a request of the physician's own, back on sign-in, saying why. */
async function expectSentToSignIn(page: Page, reason: keyof typeof SESSION_END_CODES) {
  await page.waitForURL((url) => url.pathname === '/sign-in');
  expect(new URL(page.url()).searchParams.get('ended')).toBe(reason);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await expect.poll(() => notice(page).textContent()).toBe(SESSION_END_CODES[reason]);
  expect(await page.locator('[data-kpi]').count()).toBe(0);
}

const isDashboardRead = (request: Request) =>
  new URL(request.url()).pathname === '/api/v1/analytics/dashboard';

describe.skipIf(!browser.available)('sessions in Chromium', () => {
  it('says it could not sign in, naming neither the email nor the billing number, when the email has an account already', async () => {
    const existing = await browser.signUpPhysician();
    const page = await browser.newPage();
    await page.goto('/sign-up');

    await page.getByLabel('Full name').fill('Dr. Someone Else');
    await page.getByLabel('Billing number').fill(newPhysicianDetails().billingNumber);
    await page.getByLabel('Email', { exact: true }).fill(existing.email);
    await page.getByLabel('Password', { exact: true }).fill('another-long-password');
    await page.getByRole('button', { name: 'Create your account' }).click();

    await expect
      .poll(() => alertIn(page).textContent())
      .toBe(
        'We could not sign you in with these details. If this email or billing number already has an account, sign in with its password.',
      );
    expect(new URL(page.url()).pathname).toBe('/sign-up');
  });

  it('sends a page to sign-in at its next request, saying why, after the physician signs out everywhere on another browser', async () => {
    const who = await browser.signUpPhysician();
    const first = await browser.pageSignedInAs(who, '/');
    await figures(first);
    const second = await browser.pageSignedInAs(who, '/');
    await figures(second);

    await second.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expectSentToSignIn(second, 'SESSION_SIGNED_OUT_EVERYWHERE');

    await first.getByLabel('Period', { exact: true }).selectOption('this_month');
    await expectSentToSignIn(first, 'SESSION_SIGNED_OUT_EVERYWHERE');
    expect((await first.request.get('/api/v1/auth/me')).status()).toBe(401);
  });

  it('changes the password: this page stays signed in, another goes to sign-in, and only the new password signs in', async () => {
    const who = await browser.signUpPhysician();
    const other = await browser.pageSignedInAs(who, '/');
    await figures(other);
    const page = await browser.pageSignedInAs(who, '/');
    await figures(page);
    const newPassword = `${who.password}-changed`;

    await page.getByRole('link', { name: 'Change password' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByLabel('Current password').fill(who.password);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();

    await expect
      .poll(() => page.locator('main [role="status"]').textContent())
      .toBe(
        'Your password was changed. Every other device and browser was signed out; this one stays signed in.',
      );
    await expect(page.getByLabel('New password').inputValue()).resolves.toBe('');
    await page.goto('/');
    await figures(page);

    await other.getByLabel('Period', { exact: true }).selectOption('this_month');
    await expectSentToSignIn(other, 'SESSION_PASSWORD_CHANGED');

    expect((await browser.login(who)).status).toBe(401);
    await fillSignIn(other, who.email, newPassword);
    await other.waitForURL((url) => url.pathname === '/');
    await figures(other);
  });

  it('refuses a short new password and a wrong current one, says why, and changes nothing', async () => {
    const who = await browser.signUpPhysician();
    const page = await browser.pageSignedInAs(who, '/account');
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    const current = page.getByLabel('Current password');
    const next = page.getByLabel('New password');

    await current.fill(who.password);
    await next.fill('too-short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(next.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('.field-error').first().textContent()).resolves.toBe(
      'Passwords have at least 12 characters.',
    );

    await current.fill('not-my-password');
    await next.fill('a-long-enough-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => alertIn(page).textContent())
      .toBe('Your password was not changed. That is not your current password.');
    await expect(current.getAttribute('aria-invalid')).resolves.toBe('true');

    // The old password still signs in.
    await figures(await browser.pageSignedInAs(who, '/'));
  });

  it('marks the reads it sends on its own (polling, focus) as background, and the physician’s not', async () => {
    const who = await browser.signUpPhysician();
    const page = await browser.pageSignedInAs(who, null);
    await page.clock.install();
    const reads: Request[] = [];
    page.on('request', (request) => {
      if (isDashboardRead(request)) reads.push(request);
    });

    await page.goto('/');
    await figures(page);
    expect(reads.length).toBeGreaterThan(0);
    expect(isBackground(reads[0] as Request)).toBe(false);

    // The dashboard reads again every minute while it is open.
    const polled = page.waitForRequest((r) => isDashboardRead(r) && isBackground(r));
    await page.clock.fastForward(61_000);
    await (await (await polled).response())?.finished();

    // And when the window gets the focus back. A focus while a read is still under way joins
    // that read (the page may still be taking in the poll's answer), so focus until one is sent.
    await refetchesInBackgroundOnFocus(page, reads);

    // A period the physician chooses is theirs.
    const chosen = page.waitForRequest(
      (r) => isDashboardRead(r) && new URL(r.url()).searchParams.get('period') === 'this_month',
    );
    await page.getByLabel('Period', { exact: true }).selectOption('this_month');
    expect(isBackground(await chosen)).toBe(false);
    await settled(page, { period: 'this_month' });
    expect(await kpis(page)).toHaveProperty('billed');
  });
});
