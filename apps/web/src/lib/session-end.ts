import { SESSION_END_CODES, type SessionEndCode } from '@meritum/shared/client';
import { ApiError } from './api';

/**
 * Why a page went back to sign-in: a session the API ended (idle, expired, signed out everywhere,
 * password changed), or UNAUTHENTICATED, a session it no longer knows.
 */
export type SignInReason = SessionEndCode | 'UNAUTHENTICATED';

/** What sign-in says for each reason. */
const REASONS: Record<SignInReason, string> = {
  ...SESSION_END_CODES,
  UNAUTHENTICATED: 'Please sign in again.',
};

const isReason = (value: string): value is SignInReason => Object.hasOwn(REASONS, value);

/** The query parameter of the sign-in URL that carries the reason. */
export const ENDED_PARAM = 'ended';

/** Where sign-in is, saying why when there is a reason. */
export const signInHref = (reason: SignInReason | null) =>
  reason ? `/sign-in?${new URLSearchParams({ [ENDED_PARAM]: reason })}` : '/sign-in';

/**
 * What sign-in says for the reason its URL carries: only for a reason this page knows, so that a
 * link cannot make the page say anything else.
 */
export function signInNotice(value: string | string[] | null | undefined): string | null {
  return typeof value === 'string' && isReason(value) ? REASONS[value] : null;
}

/**
 * The reason to give when calls were refused for want of a session: an ended session's code
 * before UNAUTHENTICATED (the first answer to say a session ended removes it, so the calls
 * answered after it find none); null when no call was refused so.
 */
export function signInReasonOf(errors: readonly unknown[]): SignInReason | null {
  let reason: SignInReason | null = null;
  for (const error of errors) {
    if (!(error instanceof ApiError) || error.status !== 401) continue;
    if (error.code !== 'UNAUTHENTICATED' && isReason(error.code)) return error.code;
    reason = 'UNAUTHENTICATED';
  }
  return reason;
}

/** Of two reasons, the one that tells more: an ended session's code, then UNAUTHENTICATED. */
export function moreTelling(a: SignInReason | null, b: SignInReason | null): SignInReason | null {
  if (a === null || a === 'UNAUTHENTICATED') return b ?? a;
  return a;
}
