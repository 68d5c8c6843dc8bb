import type { Comparison, DashboardMetrics } from '@meritum/shared/client';
import { formatCount, formatDays, formatMoney, formatRate } from '@meritum/shared/client';
import type { ChangeKind } from '@/lib/comparison';
import { type FigureScope, type MetricKey, metricClaims } from '@/lib/figure-links';
import { formatMonths } from '@/lib/format';
import { FigureLink } from '../figure-link';
import { KpiChange } from './kpi-change';

interface Tile {
  id: string;
  label: string;
  /** The figure, and the claims behind it. */
  metric: Extract<
    MetricKey,
    'billedAmount' | 'paidAmount' | 'pendingAmount' | 'rejectionRate' | 'avgDaysToPayment'
  >;
  kind: Exclude<ChangeKind, 'count'>;
  /** The direction that is good news; null where neither is. */
  better: 'up' | 'down' | null;
  detail: (m: DashboardMetrics, scope: FigureScope | undefined) => React.ReactNode;
}

const plural = (n: number, one: string, many: string) =>
  `${formatCount(n)} ${n === 1 ? one : many}`;

const TILES: Tile[] = [
  {
    id: 'billed',
    label: 'Billed',
    metric: 'billedAmount',
    kind: 'money',
    better: 'up',
    detail: (m) => plural(m.claimsCount, 'claim', 'claims'),
  },
  {
    id: 'paid',
    label: 'Paid',
    metric: 'paidAmount',
    kind: 'money',
    better: 'up',
    detail: (m) => `${plural(m.paidCount, 'claim', 'claims')} paid`,
  },
  {
    id: 'pending',
    label: 'Pending',
    metric: 'pendingAmount',
    kind: 'money',
    better: null,
    detail: () => 'submitted, not yet assessed',
  },
  {
    id: 'rejection-rate',
    label: 'Rejection rate',
    metric: 'rejectionRate',
    kind: 'rate',
    better: 'down',
    detail: (m, scope) => (
      <>
        {formatCount(m.rejectedCount)} of{' '}
        <FigureLink claims={scope && metricClaims('assessedCount', scope)}>
          {formatCount(m.assessedCount)} assessed
        </FigureLink>
      </>
    ),
  },
  {
    id: 'days-to-payment',
    label: 'Average days to payment',
    metric: 'avgDaysToPayment',
    kind: 'days',
    better: 'down',
    detail: (m) =>
      m.paidCount === 0 ? 'no payments in this period' : 'from submission to payment',
  },
];

const FORMATS = { money: formatMoney, rate: formatRate, days: formatDays } as const;

/** A figure as a tile shows it: '—' for a rate or an average with nothing to divide by. */
const formatted = (tile: Tile, value: string | null) =>
  tile.kind === 'money' ? formatMoney(value ?? '0.00') : FORMATS[tile.kind](value);

/**
 * The five figures a physician checks first. With a scope, each opens the claims behind it;
 * with a comparison, each says how it moved since the period before.
 */
export function KpiTiles({
  metrics,
  comparison,
  scope,
}: {
  metrics: DashboardMetrics;
  comparison?: Comparison | undefined;
  scope?: FigureScope | undefined;
}) {
  const previousPeriod = comparison ? formatMonths(comparison.period) : '';
  return (
    <dl className="kpis">
      {TILES.map((tile) => {
        const value = metrics[tile.metric];
        const previous = comparison?.metrics[tile.metric] ?? null;
        return (
          <div className="kpi" key={tile.id}>
            <dt>{tile.label}</dt>
            <dd className="kpi-value">
              <FigureLink claims={scope && metricClaims(tile.metric, scope)}>
                {/* The API's exact value, kept on the element for tests and tools. */}
                <span data-kpi={tile.id} data-value={value ?? ''}>
                  {formatted(tile, value)}
                </span>
                {scope && <span className="visually-hidden">: see these claims</span>}
              </FigureLink>
            </dd>
            <dd className="kpi-detail">{tile.detail(metrics, scope)}</dd>
            {comparison && (
              <KpiChange
                kind={tile.kind}
                change={comparison.change[tile.metric]}
                previous={previous === null ? null : formatted(tile, previous)}
                previousPeriod={previousPeriod}
                better={tile.better}
              />
            )}
          </div>
        );
      })}
    </dl>
  );
}

/** Placeholders of the tiles' size while the first figures load. */
export function KpiTilesLoading() {
  return (
    <div className="kpis" aria-hidden="true">
      {TILES.map((tile) => (
        <div className="kpi kpi-loading" key={tile.id} />
      ))}
    </div>
  );
}
