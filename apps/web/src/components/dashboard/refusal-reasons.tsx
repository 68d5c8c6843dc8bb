import type { AdjustmentReason, RefusalReason } from '@meritum/shared/client';
import { formatCount, formatMoney } from '@meritum/shared/client';
import { codeLabel, codeMeaning } from '@/lib/claims-text';
import { adjustmentClaims, type FigureScope, refusalClaims } from '@/lib/figure-links';
import { FigureLink } from '../figure-link';

/**
 * Why money was not paid: claims refused, by explanatory code, and what adjustments cut from
 * claims paid. With a scope, each code opens its claims.
 */
export function RefusalReasons({
  refusals,
  adjustments,
  scope,
}: {
  refusals: RefusalReason[];
  adjustments: AdjustmentReason[];
  scope?: FigureScope | undefined;
}) {
  return (
    <section className="panel reasons" aria-labelledby="refusals-title">
      <h2 id="refusals-title">Why claims were refused</h2>
      <p className="muted">
        Claims rejected or written off, by date of service. A claim refused with two codes counts
        under each.
      </p>
      {refusals.length === 0 ? (
        <p className="none">No claims refused in this period.</p>
      ) : (
        <table className="refusals">
          <caption className="visually-hidden">Refused claims by explanatory code</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Meaning</th>
              <th scope="col" className="num">
                Claims
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {refusals.map((r) => (
              <tr key={r.explanatoryCode} data-code={r.explanatoryCode}>
                <th scope="row">
                  <FigureLink claims={scope && refusalClaims(r.explanatoryCode, scope)}>
                    {codeLabel(r.explanatoryCode)}
                  </FigureLink>
                </th>
                <td className="text">{codeMeaning(r.explanatoryCode, r.description)}</td>
                <td data-figure="claims">{formatCount(r.claimsCount)}</td>
                <td data-figure="amount">{formatMoney(r.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 id="adjustments-title">Lost to adjustments</h3>
      <p className="muted">
        Submitted minus paid, of claims paid less than billed, by date of payment.
      </p>
      {adjustments.length === 0 ? (
        <p className="none">No claims adjusted in this period.</p>
      ) : (
        <table className="adjustments" aria-labelledby="adjustments-title">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Meaning</th>
              <th scope="col" className="num">
                Lost
              </th>
            </tr>
          </thead>
          <tbody>
            {adjustments.map((a) => (
              <tr key={a.explanatoryCode} data-code={a.explanatoryCode}>
                <th scope="row">
                  <FigureLink claims={scope && adjustmentClaims(a.explanatoryCode, scope)}>
                    {codeLabel(a.explanatoryCode)}
                  </FigureLink>
                </th>
                <td className="text">{codeMeaning(a.explanatoryCode, a.description)}</td>
                <td data-figure="lost">{formatMoney(a.amountLost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
