import type { ClaimEventResponse } from '@meritum/shared/client';
import { formatInstant, formatMoney } from '@meritum/shared/client';
import { CLAIM_STATE_LABELS, codeMeaning } from '@/lib/claims-text';

/** An instant in Edmonton wall time. */
export function Instant({ at }: { at: Date }) {
  const iso = at.toISOString();
  return <time dateTime={iso}>{formatInstant(iso)}</time>;
}

/** What one change did: 'Submitted → Rejected', or how the history begins. */
function ChangeTitle({ event }: { event: ClaimEventResponse }) {
  const to = CLAIM_STATE_LABELS[event.toState];
  if (event.fromState === null) {
    // History starts where Meritum first saw the claim: created, or already past draft.
    return <>{event.toState === 'draft' ? 'Created as a draft' : `First recorded as ${to}`}</>;
  }
  return (
    <>
      {CLAIM_STATE_LABELS[event.fromState]}
      {/* The arrow for the eye; a screen reader says "to". */}
      <span aria-hidden="true"> →</span>
      <span className="visually-hidden"> to</span> {to}
    </>
  );
}

/** Every change of the claim's state, oldest first, in Edmonton time. */
export function ClaimHistory({ history }: { history: ClaimEventResponse[] }) {
  return (
    <section className="panel" aria-labelledby="claim-history-title">
      <h2 id="claim-history-title">History</h2>
      <p className="muted">Oldest first.</p>
      <ol className="timeline">
        {history.map((event, index) => (
          <li
            // A claim's history only grows, at its end: its position is its identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            key={index}
            data-from={event.fromState ?? ''}
            data-to={event.toState}
          >
            <p className="event-title">
              <ChangeTitle event={event} />
            </p>
            <p className="muted">
              <Instant at={event.occurredAt} />
            </p>
            <p className="event-amounts">
              Submitted {formatMoney(event.feeSubmitted)}
              {event.feeAssessed !== null && <> · Assessed {formatMoney(event.feeAssessed)}</>}
            </p>
            {event.explanatoryCodes.length > 0 && (
              <ul className="code-meanings">
                {event.explanatoryCodes.map((code) => (
                  <li key={code}>
                    <strong>{code}</strong>: {codeMeaning(code)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
