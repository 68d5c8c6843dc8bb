'use client';
import { formatCount, formatMoney } from '@meritum/shared/client';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '@/lib/api';
import { useClaimList } from '@/lib/claim-queries';
import { type ClaimsFilter, searchFromFilter } from '@/lib/claims-filter';
import { filterConditions, filterTitle } from '@/lib/claims-text';
import { useSignInWhenUnauthenticated } from '@/lib/queries';
import { h2, LoadFailed } from '../load-failed';
import { ClaimsTable } from './claims-table';

/** One filter's claims: what they are, their totals, and the claims a page at a time. */
export function ClaimsList({ filter }: { filter: ClaimsFilter }) {
  const { query, loadMore, readAgain } = useClaimList(filter);
  useSignInWhenUnauthenticated(query.error);
  const pages = query.data?.pages;
  const totals = pages?.[0]?.totals;
  const claims = pages?.flatMap((page) => page.claims) ?? [];
  const conditions = filterConditions(filter);

  // After Load more, the focus goes to the first claim it brought, not back to the top.
  const table = useRef<HTMLTableSectionElement>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null || claims.length <= focusRow) return;
    table.current?.querySelector<HTMLElement>(`[data-row="${focusRow}"] a`)?.focus();
    setFocusRow(null);
  }, [focusRow, claims.length]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Claims</h1>
          <p className="filter-title" data-testid="claims-filter">
            {filterTitle(filter)}
          </p>
          {conditions.length > 0 && <p className="muted">{conditions.join(' · ')}</p>}
        </div>
      </div>

      {query.isError && !pages ? (
        <LoadFailed heading={h2} what="The claims" error={query.error} onRetry={readAgain} />
      ) : !pages || !totals ? (
        <div aria-busy="true">
          <p className="visually-hidden" role="status">
            Loading the claims…
          </p>
          <div className="panel kpi-loading claims-loading" aria-hidden="true" />
        </div>
      ) : (
        <>
          <dl className="claim-totals" aria-label="Totals of these claims">
            <div>
              <dt>Claims</dt>
              <dd data-total="count" data-value={totals.count}>
                {formatCount(totals.count)}
              </dd>
            </div>
            <div>
              <dt>Submitted</dt>
              <dd data-total="submitted" data-value={totals.feeSubmitted}>
                {formatMoney(totals.feeSubmitted)}
              </dd>
            </div>
            <div>
              <dt>Assessed</dt>
              <dd data-total="assessed" data-value={totals.feeAssessed}>
                {formatMoney(totals.feeAssessed)}
              </dd>
            </div>
          </dl>

          {claims.length === 0 ? (
            <div className="panel empty">
              <h2>No claims match</h2>
              <p className="muted">None of your claims meets every condition above.</p>
            </div>
          ) : (
            <section className="panel claims-panel" aria-labelledby="claims-table-title">
              <h2 id="claims-table-title" className="visually-hidden">
                The claims, newest date of service first
              </h2>
              <ClaimsTable claims={claims} listSearch={searchFromFilter(filter)} body={table} />
              <div className="load-more">
                <p className="muted" role="status">
                  Showing {formatCount(claims.length)} of {formatCount(totals.count)}, newest date
                  of service first.
                </p>
                {query.hasNextPage && (
                  <button
                    type="button"
                    className="button secondary"
                    disabled={query.isFetchingNextPage}
                    onClick={() => {
                      setFocusRow(claims.length);
                      loadMore();
                    }}
                  >
                    {query.isFetchingNextPage ? 'Loading…' : 'Load more claims'}
                  </button>
                )}
              </div>
              {query.isFetchNextPageError && (
                <p className="field-error" role="alert">
                  More claims could not be loaded: {messageOf(query.error)}
                </p>
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}
