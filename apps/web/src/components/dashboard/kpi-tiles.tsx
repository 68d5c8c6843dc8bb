import type { DashboardMetrics } from '@meritum/shared/client';
import { formatCount, formatDays, formatMoney, formatRate } from '@meritum/shared/client';

interface Tile {
  id: string;
  label: string;
  /** The API's exact value, kept on the element for tests and tools. */
  value: string;
  text: string;
  detail: string;
}

function tilesOf(m: DashboardMetrics): Tile[] {
  return [
    {
      id: 'billed',
      label: 'Billed',
      value: m.billedAmount,
      text: formatMoney(m.billedAmount),
      detail: `${formatCount(m.claimsCount)} ${m.claimsCount === 1 ? 'claim' : 'claims'}`,
    },
    {
      id: 'paid',
      label: 'Paid',
      value: m.paidAmount,
      text: formatMoney(m.paidAmount),
      detail: `${formatCount(m.paidCount)} ${m.paidCount === 1 ? 'claim' : 'claims'} paid`,
    },
    {
      id: 'pending',
      label: 'Pending',
      value: m.pendingAmount,
      text: formatMoney(m.pendingAmount),
      detail: 'submitted, not yet assessed',
    },
    {
      id: 'rejection-rate',
      label: 'Rejection rate',
      value: m.rejectionRate ?? '',
      text: formatRate(m.rejectionRate),
      detail: `${formatCount(m.rejectedCount)} of ${formatCount(m.assessedCount)} assessed`,
    },
    {
      id: 'days-to-payment',
      label: 'Average days to payment',
      value: m.avgDaysToPayment ?? '',
      text: formatDays(m.avgDaysToPayment),
      detail: m.paidCount === 0 ? 'no payments in this period' : 'from submission to payment',
    },
  ];
}

/** The five figures a physician checks first. */
export function KpiTiles({ metrics }: { metrics: DashboardMetrics }) {
  return (
    <dl className="kpis">
      {tilesOf(metrics).map((tile) => (
        <div className="kpi" key={tile.id}>
          <dt>{tile.label}</dt>
          <dd className="kpi-value" data-kpi={tile.id} data-value={tile.value}>
            {tile.text}
          </dd>
          <dd className="kpi-detail">{tile.detail}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Placeholders of the tiles' size while the first figures load. */
export function KpiTilesLoading() {
  return (
    <div className="kpis" aria-hidden="true">
      {['billed', 'paid', 'pending', 'rate', 'days'].map((id) => (
        <div className="kpi kpi-loading" key={id} />
      ))}
    </div>
  );
}
