'use client';
import type {
  ClaimType,
  CreateStatementRequest,
  PeriodOption,
  Statement,
} from '@meritum/shared/client';
import { useId, useState } from 'react';
import { customRangeProblem, defaultCustomRange } from '@/lib/period-options';
import { useCreateStatement, useSignInWhenUnauthenticated } from '@/lib/queries';
import { statementFailureMessage } from '@/lib/statement-errors';
import { ClaimTypeField, CustomRangeFields, PeriodSelect } from '../period/period-fields';

/** Freezes a period's figures as a statement; the last whole month is what is usually sent. */
export function CreateStatementForm({ onCreated }: { onCreated: (statement: Statement) => void }) {
  const titleId = useId();
  const [period, setPeriod] = useState<PeriodOption>('last_month');
  const [range, setRange] = useState(() => defaultCustomRange(new Date()));
  const [claimType, setClaimType] = useState<ClaimType | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const create = useCreateStatement();
  useSignInWhenUnauthenticated(create.error);

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const found = period === 'custom' ? customRangeProblem(range.start, range.end) : null;
    setProblem(found);
    if (found !== null) return;
    const request: CreateStatementRequest = {
      period,
      ...(period === 'custom' ? range : {}),
      ...(claimType ? { claimType } : {}),
    };
    create.mutate(request, { onSuccess: onCreated });
  }

  function choosePeriod(next: PeriodOption) {
    setPeriod(next);
    setProblem(null);
  }

  return (
    <section className="panel create-statement" aria-labelledby={titleId}>
      <h2 id={titleId}>New statement</h2>
      <p className="muted">
        A statement freezes a period’s figures as they stand now. Creating one again for the same
        period and claim type re-runs it.
      </p>
      <form className="controls" onSubmit={submit} noValidate aria-labelledby={titleId}>
        <PeriodSelect value={period} onChange={choosePeriod} />
        {period === 'custom' && (
          <div className="custom-range">
            <CustomRangeFields range={range} onChange={setRange} problem={problem} />
          </div>
        )}
        <ClaimTypeField value={claimType} onChange={setClaimType} />
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create statement'}
        </button>
      </form>
      {create.isError && (
        <p className="field-error" role="alert">
          The statement was not created. {statementFailureMessage(create.error)}
        </p>
      )}
    </section>
  );
}
