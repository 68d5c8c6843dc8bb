'use client';
import {
  addMonths,
  type ClaimType,
  type DashboardQuery,
  edmontonDate,
  edmontonDateString,
  firstOfMonth,
  PERIOD_OPTIONS,
  PeriodOption,
} from '@meritum/shared/client';
import { useId, useState } from 'react';
import { CLAIM_TYPE_OPTIONS, customRangeProblem, PERIOD_LABELS } from '@/lib/dashboard-query';

/** A custom range starts out as the last twelve months, in Edmonton. */
function defaultCustomRange(now: Date) {
  const today = edmontonDate(now);
  const from = addMonths(today.year, today.month, -11);
  return { start: firstOfMonth(from.year, from.month), end: edmontonDateString(now) };
}

/** The period (an option, or a custom range) and the claim type the dashboard shows. */
export function PeriodControls({
  query,
  onChange,
}: {
  query: DashboardQuery;
  onChange: (query: DashboardQuery) => void;
}) {
  const ids = {
    period: useId(),
    start: useId(),
    end: useId(),
    problem: useId(),
    hint: useId(),
  };
  const [custom, setCustom] = useState(() =>
    query.period === 'custom' && query.start && query.end
      ? { start: query.start, end: query.end }
      : defaultCustomRange(new Date()),
  );
  const [choosingCustom, setChoosingCustom] = useState(query.period === 'custom');
  const [problem, setProblem] = useState<string | null>(null);
  const claimType = query.claimType;

  function choosePeriod(value: string) {
    const period = PeriodOption.parse(value);
    setProblem(null);
    if (period === 'custom') {
      setChoosingCustom(true);
      return;
    }
    setChoosingCustom(false);
    onChange({ period, ...(claimType ? { claimType } : {}) });
  }

  function applyCustom(event: React.FormEvent) {
    event.preventDefault();
    const found = customRangeProblem(custom.start, custom.end);
    setProblem(found);
    if (found === null)
      onChange({ period: 'custom', ...custom, ...(claimType ? { claimType } : {}) });
  }

  function chooseClaimType(value: ClaimType | undefined) {
    const { claimType: _, ...rest } = query;
    onChange(value ? { ...rest, claimType: value } : rest);
  }

  return (
    <div className="controls">
      <div className="control">
        <label htmlFor={ids.period}>Period</label>
        <select
          id={ids.period}
          value={choosingCustom ? 'custom' : query.period}
          onChange={(event) => choosePeriod(event.target.value)}
        >
          {PERIOD_OPTIONS.map((option) => (
            <option key={option} value={option}>
              {PERIOD_LABELS[option]}
            </option>
          ))}
        </select>
      </div>

      {choosingCustom && (
        <form className="custom-range" onSubmit={applyCustom} noValidate aria-label="Custom range">
          {(['start', 'end'] as const).map((edge) => (
            <div className="control" key={edge}>
              <label htmlFor={ids[edge]}>{edge === 'start' ? 'From' : 'To'}</label>
              <input
                id={ids[edge]}
                type="date"
                value={custom[edge]}
                onChange={(event) => setCustom({ ...custom, [edge]: event.target.value })}
                aria-invalid={problem !== null}
                aria-describedby={problem ? `${ids.problem} ${ids.hint}` : ids.hint}
                required
              />
            </div>
          ))}
          <button type="submit" className="button secondary">
            Apply
          </button>
          <p id={ids.hint} className="hint">
            Figures are kept by month: the range covers the whole months it touches.
          </p>
          {problem && (
            <p id={ids.problem} className="field-error" role="alert">
              {problem}
            </p>
          )}
        </form>
      )}

      <fieldset className="segmented">
        <legend>Claim type</legend>
        {CLAIM_TYPE_OPTIONS.map((option) => (
          <label key={option.label}>
            <input
              type="radio"
              name="claimType"
              checked={claimType === option.value}
              onChange={() => chooseClaimType(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}
