import {
  ClaimDetailResponse,
  type DashboardQuery,
  type DashboardResponse,
  toCents,
} from '@meritum/shared/client';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { searchFromQuery } from '../src/lib/dashboard-query';
import {
  apiDashboard,
  browserPerFile,
  DESKTOP,
  isBackground,
  PHONE,
  refetchesInBackgroundOnFocus,
  screenshot,
} from './browser';
import { count, dollars } from './figures';

const browser = browserPerFile();

/**
 * The dashboard of `query`, its figures fresh: a claim another test changed has been counted,
 * and the outstanding figures are today's, so a list read now has the same claims.
 */
async function dashboardOf(query: DashboardQuery, size = DESKTOP) {
  const page = await browser.signedInPage(size, `/?${searchFromQuery(query)}`);
  await page.locator('.badge[data-state="fresh"]').waitFor({ timeout: 45_000 });
  const figures = await apiDashboard(page, query);
  expect(figures.freshness.state).toBe('fresh');
  return { page, figures };
}

/** The claims list's totals, as shown, and the API's exact values they were written from. */
async function totalsOf(page: Page) {
  await page.waitForURL((url) => url.pathname === '/claims');
  await page.locator('[data-total="count"]').waitFor();
  const read = async (name: string) => {
    const total = page.locator(`[data-total="${name}"]`);
    return { text: await total.textContent(), value: await total.getAttribute('data-value') };
  };
  return {
    title: await page.getByTestId('claims-filter').textContent(),
    count: await read('count'),
    submitted: await read('submitted'),
    assessed: await read('assessed'),
  };
}

/** Back to the dashboard from a list, its figures shown again. */
async function back(page: Page) {
  await page.goBack();
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('[data-kpi="billed"]').waitFor();
}

const textOf = async (page: Page, selector: string) =>
  (await page.locator(selector).textContent()) ?? '';

/** A month of the period in words, as the page writes the period: 'Dec 2025–Nov 2026'. */
const monthsOf = (d: DashboardResponse) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
  }).formatRange(new Date(`${d.period.start}T00:00:00Z`), new Date(`${d.period.end}T00:00:00Z`));

describe.skipIf(!browser.available)('every figure leads to its claims', () => {
  it('leads each KPI tile to claims whose totals are the tile’s figure, digit for digit', async () => {
    const query: DashboardQuery = { period: 'last_12_months' };
    const { page, figures } = await dashboardOf(query);
    const m = figures.metrics;
    const tile = (id: string) => page.locator('.kpi', { has: page.locator(`[data-kpi="${id}"]`) });

    const billedShown = await textOf(page, '[data-kpi="billed"]');
    const claimsShown = await tile('billed').locator('.kpi-detail').textContent();
    await page.locator('[data-kpi="billed"]').click();
    const billed = await totalsOf(page);
    expect(billed.submitted.text).toBe(billedShown);
    expect(billed.submitted.text).toBe(dollars(m.billedAmount));
    expect(`${billed.count.text} claims`).toBe(claimsShown);
    expect(billed.count.text).toBe(count(m.claimsCount));
    expect(billed.title).toBe(`Claims billed · ${monthsOf(figures)}`);
    await back(page);

    const paidShown = await textOf(page, '[data-kpi="paid"]');
    const paidCountShown = await tile('paid').locator('.kpi-detail').textContent();
    await page.locator('[data-kpi="paid"]').click();
    const paid = await totalsOf(page);
    expect(paid.assessed.text).toBe(paidShown);
    expect(paid.assessed.text).toBe(dollars(m.paidAmount));
    expect(`${paid.count.text} claims paid`).toBe(paidCountShown);
    expect(paid.title).toBe(`Claims paid · paid ${monthsOf(figures)}`);
    await back(page);

    const pendingShown = await textOf(page, '[data-kpi="pending"]');
    await page.locator('[data-kpi="pending"]').click();
    const pending = await totalsOf(page);
    expect(pending.submitted.text).toBe(pendingShown);
    expect(pending.submitted.text).toBe(dollars(m.pendingAmount));
    await back(page);

    // The rate's parts: refused of assessed, each a list of its own.
    expect(await tile('rejection-rate').locator('.kpi-detail').textContent()).toBe(
      `${count(m.rejectedCount)} of ${count(m.assessedCount)} assessed`,
    );
    await page.locator('[data-kpi="rejection-rate"]').click();
    expect((await totalsOf(page)).count.text).toBe(count(m.rejectedCount));
    await back(page);
    await tile('rejection-rate')
      .getByRole('link', { name: /assessed/ })
      .click();
    expect((await totalsOf(page)).count.text).toBe(count(m.assessedCount));
    await back(page);

    // An average leads to the claims it averages: the ones paid.
    await page.locator('[data-kpi="days-to-payment"]').click();
    const averaged = await totalsOf(page);
    expect(averaged.count.text).toBe(count(m.paidCount));
    expect(averaged.assessed.text).toBe(dollars(m.paidAmount));
  });

  it('says on each tile how the figure moved since the period before, in words as well', async () => {
    const { page, figures } = await dashboardOf({ period: 'this_quarter' });
    const { change, metrics: before, period } = figures.comparison;
    const then = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'UTC',
      year: 'numeric',
      month: 'short',
    }).formatRange(new Date(`${period.start}T00:00:00Z`), new Date(`${period.end}T00:00:00Z`));
    const moved = (signed: string) =>
      signed.startsWith('-')
        ? `▼ Down ${dollars(signed.slice(1))}`
        : /^[0.]+$/.test(signed)
          ? 'No change'
          : `▲ Up ${dollars(signed)}`;

    const billed = page.locator('.kpi', { has: page.locator('[data-kpi="billed"]') });
    expect(await billed.locator('.kpi-compare').textContent()).toBe(
      `${moved(change.billedAmount)} vs ${dollars(before.billedAmount)} in ${then}`,
    );
    const paid = page.locator('.kpi', { has: page.locator('[data-kpi="paid"]') });
    expect(await paid.locator('.kpi-compare').textContent()).toBe(
      `${moved(change.paidAmount)} vs ${dollars(before.paidAmount)} in ${then}`,
    );
    expect(await page.locator('.kpi-compare').count()).toBe(5);
    expect(
      await page
        .locator('.kpi-compare[data-change]')
        .evaluateAll((all) => all.map((e) => e.getAttribute('data-change'))),
    ).toEqual(
      [
        change.billedAmount,
        change.paidAmount,
        change.pendingAmount,
        change.rejectionRate,
        change.avgDaysToPayment,
      ].filter((c) => c !== null),
    );
  });

  it('leads a refusal code to the claims refused with it, and a claim to its history', async () => {
    const query: DashboardQuery = { period: 'last_12_months', claimType: 'AHCIP' };
    const { page, figures } = await dashboardOf(query);
    const reason = figures.refusals.find((r) => r.explanatoryCode === '05');
    expect(reason).toBeDefined();
    const row = page.locator('table.refusals tr[data-code="05"]');
    expect(await row.locator('td.text').textContent()).toBe(
      'Personal health number not effective for the dates of service',
    );
    const countShown = await row.locator('[data-figure="claims"]').textContent();
    const amountShown = await row.locator('[data-figure="amount"]').textContent();
    expect(countShown).toBe(count(reason?.claimsCount ?? -1));
    expect(amountShown).toBe(dollars(reason?.amount ?? ''));

    await row.getByRole('link', { name: '05' }).click();
    const refused = await totalsOf(page);
    expect(refused.count.text).toBe(countShown);
    expect(refused.submitted.text).toBe(amountShown);
    expect(refused.title).toBe(`Refused for code 05 · AHCIP · ${monthsOf(figures)}`);
    await screenshot(page, 'claims-desktop');
    const rows = await page.locator('table.claims tbody tr').evaluateAll((all) =>
      all.map((tr) => ({
        type: tr.children[1]?.textContent,
        state: tr.children[3]?.getAttribute('data-state'),
        codes: tr.children[6]?.textContent?.split(', '),
      })),
    );
    expect(rows.length).toBe(Math.min(50, reason?.claimsCount ?? 0));
    for (const claim of rows) {
      expect(claim.type).toBe('AHCIP');
      expect(['rejected', 'written_off']).toContain(claim.state);
      expect(claim.codes).toContain('05');
    }

    // The first claim: its facts, what its codes mean, and its history.
    const first = page.locator('table.claims tbody tr').first();
    const id = (await first.getAttribute('data-claim-id')) ?? '';
    await first.getByRole('link').click();
    await page.waitForURL((url) => url.pathname === `/claims/${id}`);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const claim = ClaimDetailResponse.parse(
      await (await page.request.get(`/api/v1/claims/${id}`)).json(),
    );
    expect(await page.locator('[data-fee="submitted"]').textContent()).toBe(
      dollars(claim.feeSubmitted),
    );
    expect(await page.locator('.timeline > li').count()).toBe(claim.history.length);
    expect(await page.locator('.code-meanings li').first().textContent()).toMatch(/^05: Personal/);

    // And back to the same list.
    await page.getByRole('link', { name: 'Back to the claims' }).click();
    expect((await totalsOf(page)).title).toBe(refused.title);
  });

  it('leads an adjustment code to the claims adjusted with it: submitted minus assessed is the amount lost', async () => {
    const query: DashboardQuery = { period: 'last_12_months', claimType: 'AHCIP' };
    const { page, figures } = await dashboardOf(query);
    const reason = figures.adjustments.find((a) => a.explanatoryCode === '21');
    expect(reason).toBeDefined();
    const row = page.locator('table.adjustments tr[data-code="21"]');
    const lostShown = await row.locator('[data-figure="lost"]').textContent();
    expect(lostShown).toBe(dollars(reason?.amountLost ?? ''));

    await row.getByRole('link', { name: '21' }).click();
    const adjusted = await totalsOf(page);
    const lost = toCents(adjusted.submitted.value ?? '') - toCents(adjusted.assessed.value ?? '');
    expect(lost).toBe(toCents(reason?.amountLost ?? ''));
    expect(adjusted.title).toBe(`Adjusted for code 21 · AHCIP · paid ${monthsOf(figures)}`);
  });

  it('shows WCB’s own codes as themselves, with no description on file', async () => {
    const { page, figures } = await dashboardOf({ period: 'last_12_months', claimType: 'WCB' });
    const unknown = figures.refusals.find((r) => r.explanatoryCode.startsWith('WR'));
    expect(unknown).toBeDefined();
    const row = page.locator(`table.refusals tr[data-code="${unknown?.explanatoryCode}"]`);
    expect(await row.locator('td.text').textContent()).toBe('No description on file');

    await row.getByRole('link').click();
    const refused = await totalsOf(page);
    expect(refused.count.text).toBe(count(unknown?.claimsCount ?? -1));
    expect(refused.submitted.text).toBe(dollars(unknown?.amount ?? ''));
  });

  it('leads each outstanding bucket to the claims that old today, of the claim type shown', async () => {
    const query: DashboardQuery = { period: 'this_month', claimType: 'AHCIP' };
    const { page, figures } = await dashboardOf(query);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Edmonton' }).format(
      new Date(),
    );
    expect(figures.outstanding.asOf).toBe(today);
    expect(figures.outstanding.total.claimsCount).toBeGreaterThan(0);

    for (const bucket of figures.outstanding.buckets) {
      const row = page.locator(`table.outstanding tr[data-bucket="${bucket.bucket}"]`);
      const countShown = await row.locator('[data-figure="claims"]').textContent();
      const amountShown = await row.locator('[data-figure="amount"]').textContent();
      expect([countShown, amountShown]).toEqual([
        count(bucket.claimsCount),
        dollars(bucket.amount),
      ]);

      await row.getByRole('link').click();
      const owed = await totalsOf(page);
      expect([owed.count.text, owed.submitted.text]).toEqual([countShown, amountShown]);
      expect(owed.title).toMatch(/^Outstanding .+ · AHCIP$/);
      await back(page);
    }
  });

  it('leads a month of the monthly table to that month’s claims billed and paid', async () => {
    const query: DashboardQuery = { period: 'last_12_months' };
    const { page, figures } = await dashboardOf(query);
    const month = figures.monthly.at(-2);
    if (!month) throw new Error('no months');
    const row = page.locator(`table.monthly tr[data-month="${month.month}"]`);
    const table = page.getByText('Show the figures as a table');

    await table.click();
    const claimsShown = await row.locator('[data-figure="claims"]').textContent();
    const billedShown = await row.locator('[data-figure="billed"]').textContent();
    const paidShown = await row.locator('[data-figure="paid"]').textContent();
    expect([claimsShown, billedShown, paidShown]).toEqual([
      count(month.claimsCount),
      dollars(month.billedAmount),
      dollars(month.paidAmount),
    ]);
    await row.locator('[data-figure="billed"] a').click();
    const billed = await totalsOf(page);
    expect([billed.count.text, billed.submitted.text]).toEqual([claimsShown, billedShown]);
    await back(page);

    await table.click();
    await row.locator('[data-figure="paid"] a').click();
    const paid = await totalsOf(page);
    expect(paid.assessed.text).toBe(paidShown);
    expect(paid.count.text).toBe(count(month.paidCount));
  });

  it('leads a top health service code to the claims it billed', async () => {
    const { page, figures } = await dashboardOf({ period: 'last_12_months' });
    const top = figures.topHealthServiceCodes[0];
    if (!top) throw new Error('no codes');
    const row = page.locator(`table.codes tr[data-code="${top.healthServiceCode}"]`);

    const shown = [
      await row.locator('[data-figure="claims"]').textContent(),
      await row.locator('[data-figure="billed"]').textContent(),
    ];
    expect(shown).toEqual([count(top.claimsCount), dollars(top.billedAmount)]);

    await row.getByRole('link', { name: top.healthServiceCode }).click();
    const billed = await totalsOf(page);
    expect([billed.count.text, billed.submitted.text]).toEqual(shown);
    expect(billed.title).toBe(
      `Claims billed under ${top.healthServiceCode} · ${monthsOf(figures)}`,
    );
  });
});

describe.skipIf(!browser.available)('the claims list and a claim in Chromium', () => {
  it('sends a visitor without a session to sign in', async () => {
    const page = await browser.newPage();

    await page.goto('/claims?state=paid');

    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('loads more claims after the first fifty, keeps the totals, and moves the focus to the first new one', async () => {
    const page = await browser.signedInPage(DESKTOP, null);
    const reads: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/claims') reads.push(request);
    });
    await page.goto('/claims?state=paid');
    const totals = await totalsOf(page);
    const rows = page.locator('table.claims tbody tr');
    expect(await rows.count()).toBe(50);

    await page.getByRole('button', { name: 'Load more claims' }).click();
    await rows.nth(50).waitFor();

    expect(await rows.count()).toBe(100);
    expect((await totalsOf(page)).count).toEqual(totals.count);
    await expect(
      page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-row')),
    ).resolves.toBe('50');
    const dates = await rows.evaluateAll((all) =>
      all.map((tr) => tr.getAttribute('data-claim-id')),
    );
    expect(new Set(dates).size).toBe(100);
    await expect(
      page.getByRole('status').filter({ hasText: 'Showing' }).textContent(),
    ).resolves.toMatch(/^Showing 100 of /);

    // Opening the list and Load more are the physician's reads; a read on focus is the page's own.
    expect(
      reads.map((r) => [new URL(r.url()).searchParams.has('cursor'), isBackground(r)]),
    ).toEqual([
      [false, false],
      [true, false],
    ]);
    await refetchesInBackgroundOnFocus(page, reads);
  });

  it('says plainly when an address holds a filter the API would refuse', async () => {
    const page = await browser.signedInPage(
      DESKTOP,
      '/claims?serviceFrom=2026-09-01&serviceTo=2026-08-01',
    );

    const alert = page.locator('main [role="alert"]');
    await expect(alert.textContent()).resolves.toContain('serviceFrom must not be after serviceTo');
  });

  it('shows a claim’s every change of state, when it happened and the codes that explain it', async () => {
    const who = await browser.signUpPhysician();
    const page = await browser.pageSignedInAs(who, '/claims');
    const created = await page.request.post('/api/v1/claims', {
      data: {
        claimType: 'AHCIP',
        healthServiceCode: '03.04A',
        dateOfService: '2026-10-14',
        feeSubmitted: '89.64',
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const body of [
      { to: 'submitted' },
      { to: 'rejected', explanatoryCodes: ['05', 'WR12'] },
      { to: 'submitted' },
      { to: 'adjusted', feeAssessed: '76.19', explanatoryCodes: ['21'] },
    ]) {
      const moved = await page.request.post(`/api/v1/claims/${id}/transitions`, { data: body });
      expect(moved.status(), await moved.text()).toBe(200);
    }

    await page.goto('/claims');
    const totals = await totalsOf(page);
    expect([totals.count.text, totals.submitted.text, totals.assessed.text]).toEqual([
      '1',
      '$89.64',
      '$76.19',
    ]);
    expect(totals.title).toBe('All claims');
    await page.getByRole('link', { name: 'Oct 14, 2026' }).click();
    await page.waitForURL((url) => url.pathname === `/claims/${id}`);
    await page.getByRole('heading', { name: 'History' }).waitFor();

    const claim = ClaimDetailResponse.parse(
      await (await page.request.get(`/api/v1/claims/${id}`)).json(),
    );
    const events = await page.locator('.timeline > li').evaluateAll((items) =>
      items.map((li) => ({
        title: li.querySelector('.event-title')?.textContent,
        at: li.querySelector('time')?.getAttribute('datetime'),
        amounts: li.querySelector('.event-amounts')?.textContent,
        codes: Array.from(li.querySelectorAll('.code-meanings li'), (c) => c.textContent),
      })),
    );
    expect(events).toEqual(
      [
        { title: 'Created as a draft', amounts: 'Submitted $89.64', codes: [] },
        { title: 'Draft → to Submitted', amounts: 'Submitted $89.64', codes: [] },
        {
          title: 'Submitted → to Rejected',
          amounts: 'Submitted $89.64',
          codes: [
            '05: Personal health number not effective for the dates of service',
            'WR12: No description on file',
          ],
        },
        { title: 'Rejected → to Submitted', amounts: 'Submitted $89.64', codes: [] },
        {
          title: 'Submitted → to Adjusted',
          amounts: 'Submitted $89.64 · Assessed $76.19',
          codes: [expect.stringMatching(/^21: WCB claim/)],
        },
      ].map((event, i) => ({ ...event, at: claim.history[i]?.occurredAt.toISOString() })),
    );
    expect(await page.locator('.badge-state').textContent()).toBe('Adjusted');
    expect(await page.locator('[data-fee="assessed"]').textContent()).toBe('$76.19');
    await screenshot(page, 'claim-detail-desktop');
  });

  it('says so for a claim that is not the physician’s', async () => {
    const page = await browser.signedInPage(
      DESKTOP,
      '/claims/00000000-0000-4000-8000-000000000000',
    );

    await page.getByRole('heading', { name: 'This claim does not exist' }).waitFor();
    await page.goto('/claims/not-a-claim');
    await page.getByRole('heading', { name: 'This claim does not exist' }).waitFor();
  });

  it('is readable at phone width: the page does not scroll sideways, the table does', async () => {
    const page = await browser.signedInPage(
      PHONE,
      '/claims?state=rejected&state=written_off&explanatoryCode=05',
    );
    await totalsOf(page);

    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));

    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    await screenshot(page, 'claims-phone');
  });
});
