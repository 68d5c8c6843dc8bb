'use client';
import { formatPeriod, type Statement, StatementParams } from '@meritum/shared/client';
import { useSearchParams } from 'next/navigation';
import { useCallback, useId, useRef, useState } from 'react';
import { useProfile, useSignInWhenUnauthenticated, useStatements } from '@/lib/queries';
import { STATE_LABELS, STATEMENT_CLAIM_TYPE_LABELS } from '@/lib/statements';
import { useNow } from '@/lib/use-now';
import { AppHeader } from '../app-header';
import { h3, LoadFailed } from '../load-failed';
import { CreateStatementForm } from './create-statement-form';
import { StatementDetails } from './statement-details';
import { StatementList, statementHref } from './statement-list';

/** The statement the URL names, when it names one that could be a statement. */
function selectedIdOf(id: string | null): string | null {
  const parsed = StatementParams.safeParse({ id });
  return parsed.success ? parsed.data.id : null;
}

/**
 * Statements: a period's figures frozen at one moment, exported as CSV or PDF while they still
 * match the claims. The chosen statement lives in the URL, so a reload or a link keeps it open.
 */
export function StatementsPage() {
  const search = useSearchParams();
  const selectedId = selectedIdOf(search.get('id'));
  const profile = useProfile();
  const [list, readListAgain] = useStatements();
  useSignInWhenUnauthenticated(profile.error, list.error);
  const now = useNow();
  const listTitleId = useId();
  const listTitle = useRef<HTMLHeadingElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [focusFor, setFocusFor] = useState<string | null>(null);
  const statements = list.data?.statements;

  // The browser's own history API: Next keeps useSearchParams in step without a server round trip.
  const open = (id: string) => {
    setFocusFor(id);
    window.history.pushState(null, '', statementHref(id));
  };
  // Called with the list as it stood when the form was sent: a statement already in it re-ran.
  const created = (statement: Statement) => {
    const verb = statements?.some((s) => s.id === statement.id) ? 're-run' : 'created';
    const claims = STATEMENT_CLAIM_TYPE_LABELS[statement.claimType];
    setAnnouncement(
      `Statement ${verb}: ${formatPeriod(statement.period)} · ${claims}. It is ${STATE_LABELS[statement.state]}.`,
    );
    open(statement.id);
  };
  const deleted = () => {
    setAnnouncement('Statement deleted.');
    window.history.replaceState(null, '', '/statements');
    listTitle.current?.focus();
  };
  const focused = useCallback(() => setFocusFor(null), []);

  return (
    <>
      <AppHeader profile={profile.data} />
      <main id="main" className="page">
        <div className="page-head">
          <div>
            <h1>Statements</h1>
            <p className="muted">
              A period’s figures, frozen when you create the statement, exported as CSV or PDF while
              they still match your claims. Times are Edmonton time.
            </p>
          </div>
        </div>
        <p className="visually-hidden" role="status">
          {announcement}
        </p>

        <CreateStatementForm onCreated={created} />

        <div className="statements-layout">
          <section aria-labelledby={listTitleId} className="statements-column">
            <h2 id={listTitleId} ref={listTitle} tabIndex={-1}>
              Your statements
            </h2>
            {list.isError && !statements ? (
              <LoadFailed
                heading={h3}
                what="Your statements"
                error={list.error}
                onRetry={readListAgain}
              />
            ) : !statements ? (
              <div aria-busy="true">
                <p className="visually-hidden" role="status">
                  Loading your statements…
                </p>
                <div className="statement-card kpi-loading" aria-hidden="true" />
              </div>
            ) : statements.length === 0 ? (
              <div className="panel empty">
                <h3>No statements yet</h3>
                <p className="muted">
                  Create one above for a period: its figures stay as they were when you created it,
                  ready to export.
                </p>
              </div>
            ) : (
              <StatementList
                statements={statements}
                selectedId={selectedId}
                now={now}
                onSelect={open}
              />
            )}
          </section>

          <div className="statement-column">
            {selectedId ? (
              <StatementDetails
                key={selectedId}
                id={selectedId}
                now={now}
                takeFocus={focusFor === selectedId}
                onFocused={focused}
                announce={setAnnouncement}
                onDeleted={deleted}
              />
            ) : (
              statements &&
              statements.length > 0 && (
                <p className="panel muted choose">
                  Choose a statement to see its figures, export it, or re-run it.
                </p>
              )
            )}
          </div>
        </div>
      </main>
    </>
  );
}
