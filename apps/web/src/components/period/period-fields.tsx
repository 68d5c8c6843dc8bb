'use client';
import { type ClaimType, PERIOD_OPTIONS, PeriodOption } from '@meritum/shared/client';
import { useId } from 'react';
import { CLAIM_TYPE_OPTIONS, PERIOD_LABELS } from '@/lib/period-options';

/** The period options, labelled "Period". */
export function PeriodSelect({
  value,
  onChange,
}: {
  value: PeriodOption;
  onChange: (period: PeriodOption) => void;
}) {
  const id = useId();
  return (
    <div className="control">
      <label htmlFor={id}>Period</label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(PeriodOption.parse(event.target.value))}
      >
        {PERIOD_OPTIONS.map((option) => (
          <option key={option} value={option}>
            {PERIOD_LABELS[option]}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface DateRange {
  start: string;
  end: string;
}

/**
 * From and To dates of a custom range, with the hint and the problem (if any) they are described
 * by. `children` (an Apply button, say) sits after the dates.
 */
export function CustomRangeFields({
  range,
  onChange,
  problem,
  children,
}: {
  range: DateRange;
  onChange: (range: DateRange) => void;
  problem: string | null;
  children?: React.ReactNode;
}) {
  const ids = { start: useId(), end: useId(), problem: useId(), hint: useId() };
  return (
    <>
      {(['start', 'end'] as const).map((edge) => (
        <div className="control" key={edge}>
          <label htmlFor={ids[edge]}>{edge === 'start' ? 'From' : 'To'}</label>
          <input
            id={ids[edge]}
            type="date"
            value={range[edge]}
            onChange={(event) => onChange({ ...range, [edge]: event.target.value })}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${ids.problem} ${ids.hint}` : ids.hint}
            required
          />
        </div>
      ))}
      {children}
      <p id={ids.hint} className="hint">
        Figures are kept by month: the range covers the whole months it touches.
      </p>
      {problem && (
        <p id={ids.problem} className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** All claims, AHCIP or WCB, as one row of radio buttons. */
export function ClaimTypeField({
  value,
  onChange,
}: {
  value: ClaimType | undefined;
  onChange: (claimType: ClaimType | undefined) => void;
}) {
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend>Claim type</legend>
      {CLAIM_TYPE_OPTIONS.map((option) => (
        <label key={option.label}>
          <input
            type="radio"
            name={name}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
