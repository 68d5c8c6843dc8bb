'use client';
import type { ClaimType, DashboardResponse } from '@meritum/shared/client';
import { formatMoney, formatMonth } from '@meritum/shared/client';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMoneyAxis } from '@/lib/format';
import { MonthlyTable } from './monthly-table';

type Monthly = DashboardResponse['monthly'];

const SERIES = [
  { key: 'billed', name: 'Billed', color: 'var(--billed)' },
  { key: 'paid', name: 'Paid', color: 'var(--paid)' },
] as const;

/**
 * Billed against paid, month by month. The bars are drawn from numbers (a pixel needs no cent);
 * every figure shown in words, in the tooltip and in the table, comes from the exact strings.
 */
export function MonthlyChart({
  monthly,
  links,
}: {
  monthly: Monthly;
  /** Each month's figures in the table open their claims, of this claim type. */
  links?: { claimType?: ClaimType | undefined };
}) {
  const points = monthly.map((m) => ({
    month: m.month,
    billed: Number(m.billedAmount),
    paid: Number(m.paidAmount),
  }));
  const exact = new Map(monthly.map((m) => [m.month, m]));
  const range =
    monthly.length > 0
      ? `${formatMonth(monthly[0]?.month ?? '')} to ${formatMonth(monthly.at(-1)?.month ?? '')}`
      : '';

  return (
    <figure className="panel chart" aria-labelledby="monthly-title">
      <figcaption>
        <h2 id="monthly-title">Billed and paid by month</h2>
        <p className="muted">Billed by month of service, paid by month of payment. {range}.</p>
      </figcaption>
      <div
        className="chart-area"
        role="img"
        aria-label={`Bar chart of billed and paid amounts by month, ${range}. The table below lists every value.`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={points}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid vertical={false} stroke="var(--grid)" />
            <XAxis
              dataKey="month"
              tickFormatter={formatMonth}
              tick={{ fontSize: 12 }}
              minTickGap={8}
            />
            <YAxis tickFormatter={formatMoneyAxis} tick={{ fontSize: 12 }} width={64} />
            <Tooltip
              labelFormatter={(month) => formatMonth(String(month))}
              formatter={(_value, name, item) => {
                const row = exact.get(String(item.payload.month));
                const amount = name === 'Paid' ? row?.paidAmount : row?.billedAmount;
                return [amount === undefined ? '' : formatMoney(amount), name];
              }}
            />
            <Legend />
            {SERIES.map((series) => (
              <Bar
                key={series.key}
                dataKey={series.key}
                name={series.name}
                fill={series.color}
                radius={[3, 3, 0, 0]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details className="chart-table">
        <summary>Show the figures as a table</summary>
        <MonthlyTable
          monthly={monthly}
          caption="Billed and paid by month"
          captionHidden
          links={links}
        />
      </details>
    </figure>
  );
}
