'use client';
import { LoginRequest, SignupRequest } from '@meritum/shared/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useState } from 'react';
import { api } from '@/lib/api';
import { authFailureMessage, refusedFields, signUpThenSignIn } from '@/lib/auth';
import { TextField } from './text-field';

type Mode = 'sign-in' | 'sign-up';

interface Field {
  name: 'name' | 'billingNumber' | 'email' | 'password';
  label: string;
  type: string;
  autoComplete: string;
  hint?: string;
}

const FIELDS: Record<Mode, Field[]> = {
  'sign-in': [
    { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
    { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
  ],
  'sign-up': [
    { name: 'name', label: 'Full name', type: 'text', autoComplete: 'name' },
    {
      name: 'billingNumber',
      label: 'Billing number',
      type: 'text',
      autoComplete: 'off',
      hint: '3 to 20 letters, digits or dashes',
    },
    { name: 'email', label: 'Email', type: 'email', autoComplete: 'username' },
    {
      name: 'password',
      label: 'Password',
      type: 'password',
      autoComplete: 'new-password',
      hint: 'At least 12 characters',
    },
  ],
};

/**
 * Sign-in and sign-up: checked here with the API's own schemas, then by the API. Sign-up signs in
 * next with the same email and password (the API's sign-up opens no session). `notice` is what
 * sign-in says first: why the last session ended.
 */
export function AuthForm({ mode, notice = null }: { mode: Mode; notice?: string | null }) {
  const router = useRouter();
  const client = useQueryClient();
  const formId = useId();
  const fields = FIELDS[mode];
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = useMutation({
    mutationFn: (body: Record<string, string>) =>
      mode === 'sign-in'
        ? api.login(body as LoginRequest)
        : signUpThenSignIn(body as SignupRequest),
    onSuccess: (profile) => {
      client.clear(); // nothing read for whoever used this page before
      client.setQueryData(['me'], profile);
      router.replace('/');
    },
  });

  function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    const body = Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? '']));
    const parsed = (mode === 'sign-in' ? LoginRequest : SignupRequest).safeParse(body);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setErrors({});
    submit.mutate(body);
  }

  const title = mode === 'sign-in' ? 'Sign in' : 'Create your account';
  const fieldErrors = {
    ...refusedFields(
      submit.error,
      fields.map((f) => f.name),
    ),
    ...errors,
  };

  return (
    <main id="main" className="auth">
      <p className="brand">Meritum</p>
      {mode === 'sign-in' && <SessionNotice message={notice} />}
      {/* POST: a submit before the scripts run must not put passwords in the URL. */}
      <form
        method="post"
        className="panel auth-form"
        onSubmit={onSubmit}
        noValidate
        aria-labelledby={`${formId}-title`}
      >
        <h1 id={`${formId}-title`}>{title}</h1>
        {fields.map((field) => (
          <TextField
            key={field.name}
            id={`${formId}-${field.name}`}
            name={field.name}
            label={field.label}
            type={field.type}
            autoComplete={field.autoComplete}
            value={values[field.name] ?? ''}
            onChange={(value) => setValues({ ...values, [field.name]: value })}
            hint={field.hint}
            error={fieldErrors[field.name]}
          />
        ))}
        {submit.isError && (
          <p className="field-error" role="alert">
            {authFailureMessage(submit.error)}
          </p>
        )}
        <button type="submit" className="button" disabled={submit.isPending}>
          {submit.isPending ? 'One moment…' : title}
        </button>
        <p className="muted">
          {mode === 'sign-in' ? (
            <>
              New to Meritum? <Link href="/sign-up">Create an account</Link>
            </>
          ) : (
            <>
              Already have an account? <Link href="/sign-in">Sign in</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}

/**
 * Why the last session ended. The live region is on the page before its words, so that a
 * screen reader announces them: a region that arrives with its text is often not read.
 */
function SessionNotice({ message }: { message: string | null }) {
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => setShown(message), [message]);
  return (
    <p role="status" className={shown ? 'notice' : 'visually-hidden'}>
      {shown}
    </p>
  );
}
