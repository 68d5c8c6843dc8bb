import type { PeriodFigures } from '@meritum/shared/client';
import { formatCount, formatMoney, formatMonth } from '@meritum/shared/client';

/** Every month of a period: claims and billed by month of service, paid by month of payment. */
export function MonthlyTable({
  monthly,
  caption,
  captionHidden = false,
}: {
  monthly: PeriodFigures['monthly'];
  caption: string;
  captionHidden?: boolean;
}) {
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
            <td>{formatCount(m.claimsCount)}</td>
            <td>{formatMoney(m.billedAmount)}</td>
            <td>{formatMoney(m.paidAmount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
