/**
 * A labelled input with its hint and its error, each tied to the input for assistive
 * technology (aria-describedby, aria-invalid): the fields of the sign-in, sign-up and password
 * forms.
 */
export function TextField({
  id,
  name,
  label,
  type,
  autoComplete,
  value,
  onChange,
  hint,
  error,
}: {
  id: string;
  name: string;
  label: string;
  type: string;
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  const described = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean);
  return (
    <div className="control">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error !== undefined}
        aria-describedby={described.length > 0 ? described.join(' ') : undefined}
        required
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
