import type { DashboardResponse } from '@meritum/shared/client';
import { formatCount, formatMoney } from '@meritum/shared/client';

/** The codes that billed the most in the period, under the same claim-type filter. */
export function TopCodes({ codes }: { codes: DashboardResponse['topHealthServiceCodes'] }) {
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
              <tr key={code.healthServiceCode}>
                <th scope="row">{code.healthServiceCode}</th>
                <td className="num">{formatCount(code.claimsCount)}</td>
                <td className="num">{formatMoney(code.billedAmount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
