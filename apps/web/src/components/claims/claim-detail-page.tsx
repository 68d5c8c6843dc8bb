'use client';
import { formatMoney } from '@meritum/shared/client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { z } from 'zod';
import { ApiError } from '@/lib/api';
import { useClaim } from '@/lib/claim-queries';
import { claimsHref, filterFromSearch } from '@/lib/claims-filter';
import { CLAIM_STATE_LABELS, codeMeaning } from '@/lib/claims-text';
import { formatDay } from '@/lib/format';
import { useProfile, useSignInWhenUnauthenticated } from '@/lib/queries';
import { AppHeader } from '../app-header';
import { h1, LoadFailed } from '../load-failed';
import { ClaimHistory, Instant } from './claim-history';

const ClaimId = z.uuid();

/** One claim: what it is, where it stands, and every change of state it went through. */
export function ClaimDetailPage({ id }: { id: string }) {
  const search = useSearchParams();
  const list = filterFromSearch(new URLSearchParams(search));
  const back = list.ok ? claimsHref(list.filter) : '/claims';
  const profile = useProfile();
  useSignInWhenUnauthenticated(profile.error);

  return (
    <>
      <AppHeader profile={profile.data} />
      <main id="main" className="page">
        <p className="back">
          <Link href={back}>
            <span aria-hidden="true">← </span>Back to the claims
          </Link>
        </p>
        {ClaimId.safeParse(id).success ? <ClaimDetail id={id} /> : <NoSuchClaim />}
      </main>
    </>
  );
}

function NoSuchClaim() {
  return (
    <div className="panel empty">
      <h1>This claim does not exist</h1>
      <p className="muted">There is no claim of yours at this address.</p>
    </div>
  );
}

function ClaimDetail({ id }: { id: string }) {
  const [claim, readAgain] = useClaim(id);
  useSignInWhenUnauthenticated(claim.error);
  const data = claim.data;

  if (claim.error instanceof ApiError && claim.error.status === 404) return <NoSuchClaim />;
  if (claim.isError && !data) {
    return <LoadFailed heading={h1} what="The claim" error={claim.error} onRetry={readAgain} />;
  }
  if (!data) {
    return (
      <div aria-busy="true">
        <p className="visually-hidden" role="status">
          Loading the claim…
        </p>
        <div className="panel kpi-loading claims-loading" aria-hidden="true" />
      </div>
    );
  }

  const when = (instant: Date | null) => (instant === null ? '—' : <Instant at={instant} />);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>
            {data.healthServiceCode} on {formatDay(data.dateOfService)}
          </h1>
          <p className="muted">{data.claimType} claim · times are Edmonton time</p>
        </div>
        <span className="badge badge-state" data-state={data.state}>
          {CLAIM_STATE_LABELS[data.state]}
        </span>
      </div>

      <div className="claim-layout">
        <section className="panel" aria-labelledby="claim-facts-title">
          <h2 id="claim-facts-title">The claim</h2>
          <dl className="facts">
            <div>
              <dt>Type</dt>
              <dd>{data.claimType}</dd>
            </div>
            <div>
              <dt>Health service code</dt>
              <dd>{data.healthServiceCode}</dd>
            </div>
            <div>
              <dt>Date of service</dt>
              <dd>{formatDay(data.dateOfService)}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>{CLAIM_STATE_LABELS[data.state]}</dd>
            </div>
            <div>
              <dt>Submitted</dt>
              <dd data-fee="submitted">{formatMoney(data.feeSubmitted)}</dd>
            </div>
            <div>
              <dt>Assessed</dt>
              <dd data-fee="assessed">
                {data.feeAssessed === null ? '—' : formatMoney(data.feeAssessed)}
              </dd>
            </div>
            <div>
              <dt>Submitted on</dt>
              <dd>{when(data.submittedAt)}</dd>
            </div>
            <div>
              <dt>Assessed on</dt>
              <dd>{when(data.assessedAt)}</dd>
            </div>
            <div>
              <dt>Paid on</dt>
              <dd>{when(data.paidAt)}</dd>
            </div>
          </dl>
          {data.explanatoryCodes.length > 0 && (
            <>
              <h3>Explanatory codes</h3>
              <ul className="code-meanings">
                {data.explanatoryCodes.map((code) => (
                  <li key={code}>
                    <strong>{code}</strong>: {codeMeaning(code)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <ClaimHistory history={data.history} />
      </div>
    </>
  );
}
