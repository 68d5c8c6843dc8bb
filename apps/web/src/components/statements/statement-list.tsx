'use client';
import type { StatementListItem } from '@meritum/shared/client';
import { formatInstant, formatMoney, formatPeriod } from '@meritum/shared/client';
import Link from 'next/link';
import {
  changedMonthsText,
  claimsCountChange,
  STATEMENT_CLAIM_TYPE_LABELS,
  stateAt,
} from '@/lib/statements';
import { StateBadge } from './state-badge';

export const statementHref = (id: string) => `/statements?id=${encodeURIComponent(id)}`;

/** The physician's statements, newest first; each opens its details. */
export function StatementList({
  statements,
  selectedId,
  now,
  onSelect,
}: {
  statements: StatementListItem[];
  selectedId: string | null;
  now: number;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="statement-list">
      {statements.map((statement) => (
        <StatementCard
          key={statement.id}
          statement={statement}
          selected={statement.id === selectedId}
          now={now}
          onSelect={onSelect}
        />
      ))}
    </ul>
  );
}

function StatementCard({
  statement,
  selected,
  now,
  onSelect,
}: {
  statement: StatementListItem;
  selected: boolean;
  now: number;
  onSelect: (id: string) => void;
}) {
  const state = stateAt(statement, now);
  const months = changedMonthsText(statement.changedMonths);
  return (
    <li
      className={selected ? 'statement-card selected' : 'statement-card'}
      data-statement-id={statement.id}
    >
      <div className="statement-card-head">
        <h3>
          <Link
            href={statementHref(statement.id)}
            className="card-link"
            aria-current={selected ? 'true' : undefined}
            prefetch={false}
            scroll={false}
            onClick={(event) => {
              // A plain click selects in place; a modified one opens a tab as links do.
              if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              onSelect(statement.id);
            }}
          >
            {formatPeriod(statement.period)}
            <span className="visually-hidden">
              {' '}
              · {STATEMENT_CLAIM_TYPE_LABELS[statement.claimType]}
            </span>
          </Link>
        </h3>
        <StateBadge state={state} />
      </div>
      <p className="card-line">{STATEMENT_CLAIM_TYPE_LABELS[statement.claimType]}</p>
      <p className="card-line muted">
        Generated{' '}
        <time dateTime={statement.generatedAt}>{formatInstant(statement.generatedAt)}</time>
      </p>
      <p className="card-line totals">
        <span>
          Billed <strong data-total="billed">{formatMoney(statement.metrics.billedAmount)}</strong>
        </span>
        <span>
          Paid <strong data-total="paid">{formatMoney(statement.metrics.paidAmount)}</strong>
        </span>
      </p>
      {state === 'changed' && (
        <p className="card-line change" data-testid="claims-change">
          {claimsCountChange(statement)}
          {months ? `. ${months}.` : '.'}
        </p>
      )}
    </li>
  );
}
