import type { Profile, SignupRequest } from '@meritum/shared/client';
import { z } from 'zod';
import { ApiError, api } from './api';

/** A sign-up went through, but signing in with its email and password did not. */
export const NOT_SIGNED_IN_AFTER_SIGNUP = 'SIGNUP_NOT_SIGNED_IN';

/**
 * Sign-up, then sign-in with the same email and password. The API answers every well-formed
 * sign-up alike and opens no session, so that it never tells who is registered; whether the
 * account is the one just asked for shows at sign-in, and the refusal names neither the email
 * nor the billing number.
 */
export async function signUpThenSignIn(body: SignupRequest): Promise<Profile> {
  await api.signup(body);
  try {
    return await api.login({ email: body.email, password: body.password });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
      throw new ApiError(
        401,
        NOT_SIGNED_IN_AFTER_SIGNUP,
        'We could not sign you in with these details. If this email or billing number already has an account, sign in with its password.',
      );
    }
    throw error;
  }
}

/** "30 seconds", "2 minutes": how long to wait before trying again, rounded up. */
export function waitOf(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${Math.ceil(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

const ValidationIssues = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * The fields the API refused (VALIDATION_FAILED), by name: each issue's path ends with its field
 * ("body/email"). Issues about no field of `fields` are left out.
 */
export function refusedFields(error: unknown, fields: readonly string[]): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return {};
  const issues = ValidationIssues.safeParse(error.details);
  if (!issues.success) return {};
  const refused: Record<string, string> = {};
  for (const issue of issues.data) {
    const field = issue.path.split(/[/.]/).at(-1) ?? '';
    if (fields.includes(field)) refused[field] ??= issue.message;
  }
  return refused;
}

/** What a sign-in, sign-up or password form says when the API refused it. */
export function authFailureMessage(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? error.message : 'Something went wrong. Try again.';
  }
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'That email and password do not match an account.';
    case 'INVALID_CURRENT_PASSWORD':
      return 'That is not your current password.';
    case 'RATE_LIMITED':
      return error.retryAfterSeconds === undefined
        ? 'Too many attempts. Wait a while, then try again.'
        : `Too many attempts. Try again in ${waitOf(error.retryAfterSeconds)}.`;
    case 'VALIDATION_FAILED': {
      const issues = ValidationIssues.safeParse(error.details);
      const first = issues.success ? issues.data[0]?.message : undefined;
      return `Some of these details were not accepted: ${first ?? error.message}.`;
    }
    default:
      return error.message;
  }
}
