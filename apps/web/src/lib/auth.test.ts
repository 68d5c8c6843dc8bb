import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import {
  authFailureMessage,
  NOT_SIGNED_IN_AFTER_SIGNUP,
  refusedFields,
  signUpThenSignIn,
  waitOf,
} from './auth';

const SIGNUP = {
  name: 'Dr. Nora Quill',
  billingNumber: 'NQ-2026',
  email: 'nora@example.ca',
  password: 'a-long-enough-password',
};
const PROFILE = {
  userId: '6f1c1f7e-54d5-4c55-9a51-0d1f3c7b2a11',
  email: 'nora@example.ca',
  providerId: '0b8c7f0e-1d2a-4b3c-8d4e-5f6a7b8c9d0e',
  name: 'Dr. Nora Quill',
  billingNumber: 'NQ-2026',
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const refusal = (code: string, message = code) => ({ error: { code, message } });

/** The API, answering each call in turn; `calls` records what the page sent. */
function stubApi(...answers: Response[]) {
  const calls: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)) });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    return answer;
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('signUpThenSignIn', () => {
  it('signs up, then signs in with the same email and password', async () => {
    const calls = stubApi(
      json(202, { status: 'accepted', message: 'If this email and billing number are new…' }),
      json(200, PROFILE),
    );

    await expect(signUpThenSignIn(SIGNUP)).resolves.toEqual(PROFILE);
    expect(calls).toEqual([
      { url: '/api/v1/auth/signup', body: SIGNUP },
      { url: '/api/v1/auth/login', body: { email: SIGNUP.email, password: SIGNUP.password } },
    ]);
  });

  it('says it could not sign in, naming neither the email nor the billing number, when the details belong to an account already', async () => {
    stubApi(
      json(202, { status: 'accepted', message: '…' }),
      json(401, refusal('INVALID_CREDENTIALS')),
    );

    const failure = await signUpThenSignIn(SIGNUP).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe(NOT_SIGNED_IN_AFTER_SIGNUP);
    expect(authFailureMessage(failure)).toBe(
      'We could not sign you in with these details. If this email or billing number already has an account, sign in with its password.',
    );
  });

  it('does not try to sign in when the sign-up was refused', async () => {
    const calls = stubApi(json(429, refusal('RATE_LIMITED'), { 'retry-after': '1800' }));

    const failure = await signUpThenSignIn(SIGNUP).catch((error: unknown) => error);

    expect(calls).toHaveLength(1);
    expect(authFailureMessage(failure)).toBe('Too many attempts. Try again in 30 minutes.');
  });

  it('passes on a refused sign-in that is not about the password', async () => {
    stubApi(
      json(202, { status: 'accepted', message: '…' }),
      json(429, refusal('RATE_LIMITED'), { 'retry-after': '42' }),
    );

    const failure = await signUpThenSignIn(SIGNUP).catch((error: unknown) => error);

    expect(authFailureMessage(failure)).toBe('Too many attempts. Try again in 42 seconds.');
  });
});

describe('authFailureMessage', () => {
  it('says what went wrong for each refusal of the auth routes', () => {
    expect(authFailureMessage(new ApiError(401, 'INVALID_CREDENTIALS', 'email or password'))).toBe(
      'That email and password do not match an account.',
    );
    expect(authFailureMessage(new ApiError(403, 'INVALID_CURRENT_PASSWORD', 'wrong'))).toBe(
      'That is not your current password.',
    );
    expect(authFailureMessage(new ApiError(429, 'RATE_LIMITED', 'slow down'))).toBe(
      'Too many attempts. Wait a while, then try again.',
    );
    expect(authFailureMessage(new ApiError(0, 'NETWORK', 'Meritum could not be reached.'))).toBe(
      'Meritum could not be reached.',
    );
  });

  it('gives the first issue of a refused form', () => {
    const details = [
      { path: 'body/newPassword', message: 'passwords have at least 12 characters' },
    ];
    expect(
      authFailureMessage(
        new ApiError(400, 'VALIDATION_FAILED', 'invalid request', undefined, details),
      ),
    ).toBe('Some of these details were not accepted: passwords have at least 12 characters.');
    expect(authFailureMessage(new ApiError(400, 'VALIDATION_FAILED', 'invalid sign-up'))).toBe(
      'Some of these details were not accepted: invalid sign-up.',
    );
  });
});

describe('refusedFields', () => {
  it('puts each issue the API found beside its field, the first per field', () => {
    const details = [
      { path: 'body/email', message: 'a valid email address is required' },
      { path: 'body/email', message: 'too long' },
      { path: 'password', message: 'passwords have at least 12 characters' },
      { path: 'body/unknown', message: 'unexpected' },
    ];
    const error = new ApiError(400, 'VALIDATION_FAILED', 'invalid', undefined, details);

    expect(refusedFields(error, ['email', 'password'])).toEqual({
      email: 'a valid email address is required',
      password: 'passwords have at least 12 characters',
    });
  });

  it('finds nothing in other failures, or in details it cannot read', () => {
    expect(refusedFields(new ApiError(401, 'INVALID_CREDENTIALS', 'no'), ['email'])).toEqual({});
    expect(
      refusedFields(new ApiError(400, 'VALIDATION_FAILED', 'x', undefined, 'odd'), ['email']),
    ).toEqual({});
    expect(refusedFields(new Error('x'), ['email'])).toEqual({});
  });
});

describe('waitOf', () => {
  it('rounds a wait up to the unit a person reads', () => {
    expect(waitOf(1)).toBe('1 second');
    expect(waitOf(59)).toBe('59 seconds');
    expect(waitOf(60)).toBe('1 minute');
    expect(waitOf(61)).toBe('2 minutes');
    expect(waitOf(3_600)).toBe('1 hour');
    expect(waitOf(3_601)).toBe('2 hours');
  });
});
