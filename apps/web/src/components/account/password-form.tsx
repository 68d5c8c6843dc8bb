'use client';
import { PasswordChange } from '@meritum/shared/client';
import { useId, useState } from 'react';
import { ApiError } from '@/lib/api';
import { authFailureMessage, refusedFields } from '@/lib/auth';
import { useChangePassword, useSignInWhenUnauthenticated } from '@/lib/queries';
import { TextField } from '../text-field';

type FieldName = keyof PasswordChange;

const FIELDS: { name: FieldName; label: string; autoComplete: string; hint?: string }[] = [
  { name: 'currentPassword', label: 'Current password', autoComplete: 'current-password' },
  {
    name: 'newPassword',
    label: 'New password',
    autoComplete: 'new-password',
    hint: 'At least 12 characters',
  },
];

const EMPTY: PasswordChange = { currentPassword: '', newPassword: '' };

const DONE =
  'Your password was changed. Every other device and browser was signed out; this one stays signed in.';

/** "passwords have at least 12 characters" → "Passwords have at least 12 characters." */
const sentence = (message: string) =>
  `${message.charAt(0).toUpperCase()}${message.slice(1)}${message.endsWith('.') ? '' : '.'}`;

/** What each field says when this page refuses it, before the API sees it. */
function checked(values: PasswordChange): Partial<Record<FieldName, string>> {
  const parsed = PasswordChange.safeParse(values);
  if (parsed.success) return {};
  const errors: Partial<Record<FieldName, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'currentPassword') errors.currentPassword ??= 'Enter your current password.';
    if (field === 'newPassword') errors.newPassword ??= sentence(issue.message);
  }
  return errors;
}

/**
 * Current and new password. The API ends the physician's other sessions and keeps this one; a
 * wrong current password is refused (and counts towards the account's lock, as at sign-in).
 */
export function PasswordForm({ email }: { email: string | undefined }) {
  const formId = useId();
  const change = useChangePassword();
  useSignInWhenUnauthenticated(change.error);
  const [values, setValues] = useState<PasswordChange>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [done, setDone] = useState('');

  function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    setDone('');
    const refused = checked(values);
    setErrors(refused);
    if (Object.keys(refused).length > 0) {
      change.reset();
      return;
    }
    change.mutate(values, {
      onSuccess: () => {
        setValues(EMPTY);
        setDone(DONE);
      },
    });
  }

  const wrongCurrent =
    change.error instanceof ApiError && change.error.code === 'INVALID_CURRENT_PASSWORD';
  const fieldErrors: Partial<Record<FieldName, string>> = {
    ...refusedFields(
      change.error,
      FIELDS.map((f) => f.name),
    ),
    ...(wrongCurrent ? { currentPassword: authFailureMessage(change.error) } : {}),
    ...errors,
  };

  // POST: a submit before the scripts run must not put passwords in the URL.
  return (
    <form
      method="post"
      className="panel password-form"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={`${formId}-title`}
    >
      <h2 id={`${formId}-title`}>Your password</h2>
      {/* For password managers: whose password this is. */}
      <input
        type="email"
        name="username"
        autoComplete="username"
        value={email ?? ''}
        readOnly
        hidden
      />
      {FIELDS.map((field) => (
        <TextField
          key={field.name}
          id={`${formId}-${field.name}`}
          name={field.name}
          label={field.label}
          type="password"
          autoComplete={field.autoComplete}
          value={values[field.name]}
          onChange={(value) => {
            setDone('');
            setValues({ ...values, [field.name]: value });
          }}
          hint={field.hint}
          error={fieldErrors[field.name]}
        />
      ))}
      {change.isError && (
        <p className="field-error" role="alert">
          Your password was not changed. {authFailureMessage(change.error)}
        </p>
      )}
      <p role="status" className={done ? 'success' : 'visually-hidden'}>
        {done}
      </p>
      <div>
        <button type="submit" className="button" disabled={change.isPending}>
          {change.isPending ? 'One moment…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
