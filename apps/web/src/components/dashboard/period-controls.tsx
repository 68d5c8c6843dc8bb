'use client';
import type { ClaimType, DashboardQuery, PeriodOption } from '@meritum/shared/client';
import { useState } from 'react';
import { customRangeProblem, defaultCustomRange } from '@/lib/period-options';
import { ClaimTypeField, CustomRangeFields, PeriodSelect } from '../period/period-fields';

/** The period (an option, or a custom range) and the claim type the dashboard shows. */
export function PeriodControls({
  query,
  onChange,
}: {
  query: DashboardQuery;
  onChange: (query: DashboardQuery) => void;
}) {
  const [custom, setCustom] = useState(() =>
    query.period === 'custom' && query.start && query.end
      ? { start: query.start, end: query.end }
      : defaultCustomRange(new Date()),
  );
  const [choosingCustom, setChoosingCustom] = useState(query.period === 'custom');
  const [problem, setProblem] = useState<string | null>(null);
  const claimType = query.claimType;

  function choosePeriod(period: PeriodOption) {
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
      <PeriodSelect value={choosingCustom ? 'custom' : query.period} onChange={choosePeriod} />

      {choosingCustom && (
        <form className="custom-range" onSubmit={applyCustom} noValidate aria-label="Custom range">
          <CustomRangeFields range={custom} onChange={setCustom} problem={problem}>
            <button type="submit" className="button secondary">
              Apply
            </button>
          </CustomRangeFields>
        </form>
      )}

      <ClaimTypeField value={claimType} onChange={chooseClaimType} />
    </div>
  );
}
