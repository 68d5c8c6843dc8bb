import type { DashboardResponse } from '@meritum/shared/client';
import { formatCount, formatMoney } from '@meritum/shared/client';
import { type FigureScope, topCodeClaims } from '@/lib/figure-links';
import { FigureLink } from '../figure-link';

/**
 * The codes that billed the most in the period, under the same claim-type filter. With a scope,
 * each code opens the claims it billed.
 */
export function TopCodes({
  codes,
  scope,
}: {
  codes: DashboardResponse['topHealthServiceCodes'];
  scope?: FigureScope | undefined;
}) {
  return (
    <section className="panel" aria-labelledby="codes-title">
      <h2 id="codes-title">Top health service codes</h2>
      {codes.length === 0 ? (
        <p className="muted">No codes billed in this period.</p>
      ) : (
        <table className="codes">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col" className="num">
                Claims
              </th>
              <th scope="col" className="num">
                Billed
              </th>
            </tr>
          </thead>
          <tbody>
            {codes.map((code) => (
              <tr key={code.healthServiceCode} data-code={code.healthServiceCode}>
                <th scope="row">
                  <FigureLink claims={scope && topCodeClaims(code.healthServiceCode, scope)}>
                    {code.healthServiceCode}
                  </FigureLink>
                </th>
                <td className="num" data-figure="claims">
                  {formatCount(code.claimsCount)}
                </td>
                <td className="num" data-figure="billed">
                  {formatMoney(code.billedAmount)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
