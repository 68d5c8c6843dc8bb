import type { ClaimResponse } from '@meritum/shared/client';
import { formatMoney } from '@meritum/shared/client';
import Link from 'next/link';
import { CLAIM_STATE_LABELS, codeLabel } from '@/lib/claims-text';
import { formatDay } from '@/lib/format';

/** A claim's page; it keeps the list it was opened from, for the way back. */
export const claimHref = (id: string, listSearch: string) =>
  `/claims/${encodeURIComponent(id)}${listSearch === '' ? '' : `?${listSearch}`}`;

/** Claims, one a row; each date of service opens its claim. Scrolls sideways on a phone. */
export function ClaimsTable({
  claims,
  listSearch,
  body,
}: {
  claims: ClaimResponse[];
  listSearch: string;
  body: React.Ref<HTMLTableSectionElement>;
}) {
  return (
    // Each row's link takes the focus, so a keyboard reaches (and scrolls to) every row.
    <div className="table-scroll">
      <table className="claims">
        <thead>
          <tr>
            <th scope="col">Date of service</th>
            <th scope="col">Type</th>
            <th scope="col">Code</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Submitted
            </th>
            <th scope="col" className="num">
              Assessed
            </th>
            <th scope="col">Explanatory codes</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {claims.map((claim, index) => (
            <tr key={claim.id} data-row={index} data-claim-id={claim.id}>
              <th scope="row">
                <Link href={claimHref(claim.id, listSearch)} prefetch={false}>
                  {formatDay(claim.dateOfService)}
                </Link>
              </th>
              <td className="text">{claim.claimType}</td>
              <td className="text">{claim.healthServiceCode}</td>
              <td className="text" data-state={claim.state}>
                {CLAIM_STATE_LABELS[claim.state]}
              </td>
              <td>{formatMoney(claim.feeSubmitted)}</td>
              <td>{claim.feeAssessed === null ? '—' : formatMoney(claim.feeAssessed)}</td>
              <td className="text">
                {claim.explanatoryCodes.length === 0
                  ? '—'
                  : claim.explanatoryCodes.map(codeLabel).join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
