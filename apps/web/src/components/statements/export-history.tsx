'use client';
import type { StatementExport } from '@meritum/shared/client';
import { formatInstant } from '@meritum/shared/client';
import { useId } from 'react';
import { messageOf } from '@/lib/api';
import { formatBytes } from '@/lib/format';
import { useSignInWhenUnauthenticated, useStatementExports } from '@/lib/queries';
import { shortSha } from '@/lib/statements';

/** Every file exported of a statement, newest first, as the audit trail recorded it. */
export function ExportHistory({ id }: { id: string }) {
  const titleId = useId();
  const [exports, readExportsAgain] = useStatementExports(id);
  useSignInWhenUnauthenticated(exports.error);
  const list = exports.data?.exports;

  return (
    <section className="panel export-history" aria-labelledby={titleId}>
      <h2 id={titleId}>Export history</h2>
      {exports.isError && !list ? (
        <div role="alert" className="inline-error">
          <p>The export history could not be loaded: {messageOf(exports.error)}</p>
          <button type="button" className="button secondary" onClick={readExportsAgain}>
            Try again
          </button>
        </div>
      ) : !list ? (
        <p className="muted">Loading the export history…</p>
      ) : list.length === 0 ? (
        <p className="muted">Not exported yet.</p>
      ) : (
        <ul className="exports">
          {list.map((entry) => (
            <ExportEntry key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExportEntry({ entry }: { entry: StatementExport }) {
  return (
    <li data-export-id={entry.id}>
      <p className="export-file">
        <span className="format">{entry.format.toUpperCase()}</span>{' '}
        <span className="file-name">{entry.fileName}</span>
      </p>
      <dl className="export-facts">
        <div>
          <dt>Exported</dt>
          <dd>
            <time dateTime={entry.exportedAt}>{formatInstant(entry.exportedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(entry.byteLength)}</dd>
        </div>
        <div>
          <dt>SHA-256</dt>
          <dd>
            <abbr title={entry.bytesSha256} data-sha256={entry.bytesSha256}>
              {shortSha(entry.bytesSha256)}
            </abbr>
          </dd>
        </div>
        <div>
          <dt>Data version</dt>
          <dd>{entry.dataVersion}</dd>
        </div>
      </dl>
    </li>
  );
}
