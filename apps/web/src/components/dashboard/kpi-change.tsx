import { type ChangeKind, directionOf, formatChange } from '@/lib/comparison';

const ARROWS = { up: '▲', down: '▼' } as const;

/**
 * A KPI against the previous period: '▲ $1,234.00 vs $10,000.00 in Jul–Sep 2026'. The arrow
 * and the colour are for the eye; the words say up or down. `better` is the direction that is
 * good news (more paid, fewer refused); null where neither is.
 */
export function KpiChange({
  kind,
  change,
  previous,
  previousPeriod,
  better,
}: {
  kind: ChangeKind;
  /** Null when either period has no figure (a rate with nothing assessed). */
  change: string | number | null;
  /** The previous period's figure, formatted; null when it has none. */
  previous: string | null;
  previousPeriod: string;
  better: 'up' | 'down' | null;
}) {
  if (previous === null) {
    return <dd className="kpi-compare">No figure for {previousPeriod} to compare</dd>;
  }
  if (change === null) {
    return (
      <dd className="kpi-compare">
        {previousPeriod}: {previous}
      </dd>
    );
  }
  const direction = directionOf(change);
  const tone =
    direction === 'same' || better === null ? 'neutral' : direction === better ? 'better' : 'worse';
  return (
    <dd className={`kpi-compare ${tone}`} data-direction={direction} data-change={change}>
      {direction === 'same' ? (
        'No change '
      ) : (
        <>
          <span aria-hidden="true">{ARROWS[direction]} </span>
          <span className="visually-hidden">{direction === 'up' ? 'Up' : 'Down'} </span>
          {formatChange(kind, change)}{' '}
        </>
      )}
      vs {previous} in {previousPeriod}
    </dd>
  );
}
