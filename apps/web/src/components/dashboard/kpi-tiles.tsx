import type { DashboardMetrics } from '@meritum/shared/client';
import { formatCount, formatDays, formatMoney, formatRate } from '@/lib/format';

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
      value: m.billed_amount,
      text: formatMoney(m.billed_amount),
      detail: `${formatCount(m.claims_count)} ${m.claims_count === 1 ? 'claim' : 'claims'}`,
    },
    {
      id: 'paid',
      label: 'Paid',
      value: m.paid_amount,
      text: formatMoney(m.paid_amount),
      detail: `${formatCount(m.paid_count)} ${m.paid_count === 1 ? 'claim' : 'claims'} paid`,
    },
    {
      id: 'pending',
      label: 'Pending',
      value: m.pending_amount,
      text: formatMoney(m.pending_amount),
      detail: 'submitted, not yet assessed',
    },
    {
      id: 'rejection-rate',
      label: 'Rejection rate',
      value: m.rejection_rate ?? '',
      text: formatRate(m.rejection_rate),
      detail: `${formatCount(m.rejected_count)} of ${formatCount(m.assessed_count)} assessed`,
    },
    {
      id: 'days-to-payment',
      label: 'Average days to payment',
      value: m.avg_days_to_payment ?? '',
      text: formatDays(m.avg_days_to_payment),
      detail: m.paid_count === 0 ? 'no payments in this period' : 'from submission to payment',
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
