import type { DashboardMetrics } from '@meritum/shared/client';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { kpis } from './browser';

// Figures as a physician reads them, written here without the page's own formatter (Intl), so
// the page is never used to check itself.

/** A decimal string rounded half up to one place, without floats: '0.1208' at scale 100 is '12.1'. */
const oneDecimal = (value: string, scale: bigint) => {
  const [whole = '0', fraction = ''] = value.split('.');
  const units = BigInt(whole + fraction.padEnd(4, '0').slice(0, 4)) * scale; // 4 places
  const tenths = (units + 500n) / 1000n;
  return `${tenths / 10n}.${tenths % 10n}`;
};
const percent = (ratio: string | null) => (ratio === null ? '—' : `${oneDecimal(ratio, 100n)}%`);
const days = (ratio: string | null) => (ratio === null ? '—' : `${oneDecimal(ratio, 1n)} days`);

const thousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Money, digit for digit from the API's decimal string: '12345.60' → '$12,345.60'. */
export const dollars = (amount: string) => {
  const [whole = '', cents = ''] = amount.split('.');
  return `$${thousands(whole)}.${cents}`;
};

/** A count: 4200 → '4,200'. */
export const count = (n: number) => thousands(String(n));

/** The KPI tiles show these figures exactly: the API's values, and the words for them. */
export async function expectTilesToShow(page: Page, figures: { metrics: DashboardMetrics }) {
  const m = figures.metrics;
  expect(await kpis(page)).toEqual({
    billed: { value: m.billedAmount, text: dollars(m.billedAmount) },
    paid: { value: m.paidAmount, text: dollars(m.paidAmount) },
    pending: { value: m.pendingAmount, text: dollars(m.pendingAmount) },
    'rejection-rate': { value: m.rejectionRate ?? '', text: percent(m.rejectionRate) },
    'days-to-payment': { value: m.avgDaysToPayment ?? '', text: days(m.avgDaysToPayment) },
  });
}
