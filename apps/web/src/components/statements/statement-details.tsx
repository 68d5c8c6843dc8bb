'use client';
import type { StatementState } from '@meritum/shared/client';
import { formatInstant, formatPeriod } from '@meritum/shared/client';
import { useEffect, useId, useRef } from 'react';
import { ApiError, messageOf } from '@/lib/api';
import { useSignInWhenUnauthenticated, useStatement } from '@/lib/queries';
import {
  changedMonthsText,
  claimsCountChange,
  STATE_LABELS,
  STATEMENT_CLAIM_TYPE_LABELS,
  stateAt,
} from '@/lib/statements';
import { KpiTiles, KpiTilesLoading } from '../dashboard/kpi-tiles';
import { MonthlyTable } from '../dashboard/monthly-table';
import { TopCodes } from '../dashboard/top-codes';
import { DeleteStatement } from './delete-statement';
import { ExportHistory } from './export-history';
import { StateBadge } from './state-badge';
import { StatementActions } from './statement-actions';

/** One statement: where it stands, its frozen figures, its exports, and what can be done. */
export function StatementDetails({
  id,
  now,
  takeFocus,
  onFocused,
  announce,
  onDeleted,
}: {
  id: string;
  now: number;
  /** Move the focus to the heading once it shows: the physician has just chosen this one. */
  takeFocus: boolean;
  onFocused: () => void;
  announce: (message: string) => void;
  onDeleted: () => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [statement, readStatementAgain] = useStatement(id);
  useSignInWhenUnauthenticated(statement.error);
  const data = statement.data;
  const state = data ? stateAt(data, now) : null;
  const gone = statement.error instanceof ApiError && statement.error.status === 404;

  useEffect(() => {
    if (takeFocus && (data || statement.isError)) {
      heading.current?.focus();
      onFocused();
    }
  }, [takeFocus, data, statement.isError, onFocused]);

  // A state that changes while the page is open (claims changed, the day passed) is announced;
  // a re-run (a new generation) announces itself.
  const shown = useRef<{ state: StatementState; generatedAt: string } | null>(null);
  const generatedAt = data?.generatedAt;
  useEffect(() => {
    if (!state || !generatedAt) return;
    const before = shown.current;
    if (before && before.generatedAt === generatedAt && before.state !== state) {
      announce(`This statement is now ${STATE_LABELS[state]}.`);
    }
    shown.current = { state, generatedAt };
  }, [state, generatedAt, announce]);

  if (gone || (statement.isError && !data)) {
    return (
      <section className="panel error" aria-labelledby={headingId}>
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {gone ? 'This statement no longer exists' : 'The statement could not be loaded'}
        </h2>
        <p>
          {gone ? 'It was deleted. Choose another, or create one.' : messageOf(statement.error)}
        </p>
        {!gone && (
          <button type="button" className="button" onClick={readStatementAgain}>
            Try again
          </button>
        )}
      </section>
    );
  }

  if (!data || !state) {
    return (
      <div aria-busy="true">
        <p className="visually-hidden" role="status">
          Loading the statement…
        </p>
        <KpiTilesLoading />
      </div>
    );
  }

  const months = changedMonthsText(data.changedMonths);
  const claimType = STATEMENT_CLAIM_TYPE_LABELS[data.claimType];
  return (
    <section className="statement-details" aria-labelledby={headingId} data-statement-id={id}>
      <div className="panel statement-summary">
        <div className="statement-head">
          <div>
            <h2 id={headingId} ref={heading} tabIndex={-1}>
              {formatPeriod(data.period)} · {claimType}
            </h2>
            <p className="muted">
              Generated <time dateTime={data.generatedAt}>{formatInstant(data.generatedAt)}</time> ·
              data version {data.dataVersion}
            </p>
            {state === 'current' && (
              <p className="muted">
                Exportable until{' '}
                <time dateTime={data.expiresAt}>{formatInstant(data.expiresAt)}</time>
              </p>
            )}
          </div>
          <StateBadge state={state} />
        </div>
        {state === 'changed' && (
          <p className="notice" data-testid="claims-change">
            {claimsCountChange(data)}
            {months ? `. ${months}.` : '.'}
          </p>
        )}
        <StatementActions statement={data} state={state} announce={announce} />
        <DeleteStatement id={id} onDeleted={onDeleted} />
      </div>

      <KpiTiles metrics={data.figures.metrics} />
      <div className="panels">
        <div className="panel">
          <MonthlyTable monthly={data.figures.monthly} caption="Billed and paid by month" />
        </div>
        <TopCodes codes={data.figures.topHealthServiceCodes} />
      </div>
      <ExportHistory id={id} />
    </section>
  );
}
