import type { ClaimType, PeriodFigures } from '@meritum/shared/client';
import { formatCount, formatMoney, formatMonth } from '@meritum/shared/client';
import { monthClaims } from '@/lib/figure-links';
import { FigureLink } from '../figure-link';

/**
 * Every month of a period: claims and billed by month of service, paid by month of payment.
 * With `links`, each figure opens that month's claims behind it, of the claim type shown.
 */
export function MonthlyTable({
  monthly,
  caption,
  captionHidden = false,
  links,
}: {
  monthly: PeriodFigures['monthly'];
  caption: string;
  captionHidden?: boolean;
  links?: { claimType?: ClaimType | undefined } | undefined;
}) {
  const claims = (metric: 'claimsCount' | 'paidAmount', month: string) =>
    links && monthClaims(metric, month, links.claimType);
  return (
    <table className="monthly">
      <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Month</th>
          <th scope="col" className="num">
            Claims
          </th>
          <th scope="col" className="num">
            Billed
          </th>
          <th scope="col" className="num">
            Paid
          </th>
        </tr>
      </thead>
      <tbody>
        {monthly.map((m) => (
          <tr key={m.month} data-month={m.month}>
            <th scope="row">{formatMonth(m.month)}</th>
            <td data-figure="claims">
              <FigureLink claims={claims('claimsCount', m.month)}>
                {formatCount(m.claimsCount)}
              </FigureLink>
            </td>
            <td data-figure="billed">
              <FigureLink claims={claims('claimsCount', m.month)}>
                {formatMoney(m.billedAmount)}
              </FigureLink>
            </td>
            <td data-figure="paid">
              <FigureLink claims={claims('paidAmount', m.month)}>
                {formatMoney(m.paidAmount)}
              </FigureLink>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
