'use client';
import type { ExportFormat, Statement, StatementState } from '@meritum/shared/client';
import { EXPORT_FORMATS } from '@meritum/shared/client';
import { useId } from 'react';
import {
  useCreateStatement,
  useExportStatement,
  useSignInWhenUnauthenticated,
} from '@/lib/queries';
import { saveFile } from '@/lib/save-file';
import { statementFailureMessage } from '@/lib/statement-errors';
import { exportBlockedReason, rerunRequest, STATE_LABELS } from '@/lib/statements';

const FORMAT_LABELS: Record<ExportFormat, string> = { csv: 'CSV', pdf: 'PDF' };

/**
 * Re-run, and the exports: disabled, with the reason beside them, until the statement is
 * current. A file comes through fetch, so a refusal is a message here, not a page of JSON.
 */
export function StatementActions({
  statement,
  state,
  announce,
}: {
  statement: Statement;
  state: StatementState;
  announce: (message: string) => void;
}) {
  const reasonId = useId();
  const rerun = useCreateStatement();
  const exporter = useExportStatement(statement.id);
  useSignInWhenUnauthenticated(rerun.error, exporter.error);
  const reason = exportBlockedReason(state, statement);
  const busy = rerun.isPending || exporter.isPending;

  function runAgain() {
    exporter.reset();
    rerun.mutate(rerunRequest(statement), {
      onSuccess: (fresh) => announce(`Statement re-run. It is now ${STATE_LABELS[fresh.state]}.`),
    });
  }

  function exportAs(format: ExportFormat) {
    exporter.mutate(format, {
      onSuccess: ({ blob, fileName }) => {
        saveFile(blob, fileName);
        announce(`Exported ${fileName}.`);
      },
    });
  }

  return (
    <div className="statement-actions">
      <div className="action-row">
        <button
          type="button"
          className={reason ? 'button' : 'button secondary'}
          onClick={runAgain}
          disabled={busy}
        >
          {rerun.isPending ? 'Re-running…' : 'Re-run'}
        </button>
        {EXPORT_FORMATS.map((format) => (
          <button
            key={format}
            type="button"
            className={reason ? 'button secondary' : 'button'}
            onClick={() => exportAs(format)}
            disabled={reason !== null || busy}
            aria-describedby={reason ? reasonId : undefined}
          >
            {exporter.isPending && exporter.variables === format
              ? `Exporting ${FORMAT_LABELS[format]}…`
              : `Export ${FORMAT_LABELS[format]}`}
          </button>
        ))}
      </div>
      {reason && (
        <p id={reasonId} className="export-reason" data-testid="export-reason">
          {reason}
        </p>
      )}
      {rerun.isError && (
        <p className="field-error" role="alert">
          The statement was not re-run. {statementFailureMessage(rerun.error)}
        </p>
      )}
      {exporter.isError && (
        <p className="field-error" role="alert">
          {statementFailureMessage(exporter.error)}
        </p>
      )}
    </div>
  );
}
