'use client';
import { useEffect, useRef, useState } from 'react';
import { useDeleteStatement, useSignInWhenUnauthenticated } from '@/lib/queries';
import { statementFailureMessage } from '@/lib/statement-errors';

/**
 * Delete, asked inline before it happens. The question takes the focus (on Cancel, the harmless
 * answer); Cancel or Escape gives it back to the button that asked.
 */
export function DeleteStatement({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteStatement();
  useSignInWhenUnauthenticated(remove.error);
  const openButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const focusOnClose = useRef(false);

  useEffect(() => {
    if (confirming) cancelButton.current?.focus();
    else if (focusOnClose.current) openButton.current?.focus();
    focusOnClose.current = false;
  }, [confirming]);

  function cancel() {
    focusOnClose.current = true;
    remove.reset();
    setConfirming(false);
  }

  if (!confirming) {
    return (
      <button
        type="button"
        ref={openButton}
        className="button secondary danger"
        onClick={() => setConfirming(true)}
      >
        Delete statement
      </button>
    );
  }
  return (
    <fieldset
      className="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <legend>
        <strong>Delete this statement?</strong> Its export history is kept.
      </legend>
      <div className="action-row">
        <button
          type="button"
          className="button danger-solid"
          onClick={() => remove.mutate(id, { onSuccess: onDeleted })}
          disabled={remove.isPending}
        >
          {remove.isPending ? 'Deleting…' : 'Delete'}
        </button>
        <button type="button" ref={cancelButton} className="button secondary" onClick={cancel}>
          Cancel
        </button>
      </div>
      {remove.isError && (
        <p className="field-error" role="alert">
          The statement was not deleted. {statementFailureMessage(remove.error)}
        </p>
      )}
    </fieldset>
  );
}
