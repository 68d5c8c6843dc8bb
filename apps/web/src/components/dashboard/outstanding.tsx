import type { ClaimType, OutstandingFigures } from '@meritum/shared/client';
import { formatCount, formatMoney, formatPeriod } from '@meritum/shared/client';
import { BUCKET_LABELS } from '@/lib/claims-text';
import { outstandingClaims } from '@/lib/figure-links';
import { FigureLink } from '../figure-link';

/**
 * What is still owed, whatever the period: claims waiting for an assessment, or refused and
 * waiting to be resubmitted or written off, by days since submission. With `links`, each age
 * opens its claims, of the claim type shown.
 */
export function Outstanding({
  outstanding,
  links,
}: {
  outstanding: OutstandingFigures;
  links?: { claimType?: ClaimType | undefined } | undefined;
}) {
  const { asOf, buckets, total } = outstanding;
  return (
    <section className="panel" aria-labelledby="outstanding-title">
      <h2 id="outstanding-title">Outstanding</h2>
      <p className="muted" data-testid="outstanding-as-of">
        {asOf ? `As of ${formatPeriod({ start: asOf, end: asOf })}` : 'Not computed yet'}: claims
        submitted and not yet paid, or refused and not yet resubmitted, by days since submission.
      </p>
      <table className="outstanding">
        <caption className="visually-hidden">Outstanding claims by age</caption>
        <thead>
          <tr>
            <th scope="col">Age</th>
            <th scope="col" className="num">
              Claims
            </th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.bucket} data-bucket={b.bucket}>
              <th scope="row">
                <FigureLink claims={links && outstandingClaims(b.bucket, links.claimType)}>
                  {BUCKET_LABELS[b.bucket]}
                </FigureLink>
              </th>
              <td data-figure="claims">{formatCount(b.claimsCount)}</td>
              <td data-figure="amount">{formatMoney(b.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td data-figure="claims">{formatCount(total.claimsCount)}</td>
            <td data-figure="amount">{formatMoney(total.amount)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
