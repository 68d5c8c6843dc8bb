import type { StatementState } from '@meritum/shared/client';
import { STATE_LABELS } from '@/lib/statements';

const TONES: Record<StatementState, string> = { current: 'ok', changed: 'warn', expired: 'muted' };

/** Whether a statement still matches its claims: Current, Claims changed or Expired. */
export function StateBadge({ state }: { state: StatementState }) {
  return (
    <span className={`badge badge-${TONES[state]}`} data-state={state}>
      {STATE_LABELS[state]}
    </span>
  );
}
