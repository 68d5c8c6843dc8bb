import { SESSION_END_CODES } from '@meritum/shared/client';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { moreTelling, signInHref, signInNotice, signInReasonOf } from './session-end';

const refused = (code: string, status = 401) => new ApiError(status, code, `the API's ${code}`);

describe('signInNotice', () => {
  it('says why the session ended, in the words the shared codes give', () => {
    for (const [code, sentence] of Object.entries(SESSION_END_CODES)) {
      expect(signInNotice(code)).toBe(sentence);
    }
    expect(signInNotice('SESSION_IDLE')).toBe(
      'You were signed out after a spell without activity.',
    );
  });

  it('asks plainly to sign in again after a session the API no longer knows', () => {
    expect(signInNotice('UNAUTHENTICATED')).toBe('Please sign in again.');
  });

  it('says nothing for no reason, an unknown one, or anything a link could slip in', () => {
    for (const value of [
      undefined,
      null,
      '',
      'session_idle',
      'SESSION_IDLE ',
      'INVALID_CREDENTIALS',
      'toString',
      '__proto__',
      'constructor',
      '<b>Your account is locked</b>',
    ]) {
      expect(signInNotice(value)).toBeNull();
    }
  });

  it('says nothing when the parameter is repeated', () => {
    expect(signInNotice(['SESSION_IDLE', 'SESSION_EXPIRED'])).toBeNull();
  });
});

describe('signInReasonOf', () => {
  it('gives the code of the session the API ended', () => {
    expect(signInReasonOf([refused('SESSION_PASSWORD_CHANGED')])).toBe('SESSION_PASSWORD_CHANGED');
  });

  it('prefers an ended session’s code to UNAUTHENTICATED, in whatever order they came', () => {
    const errors = [refused('UNAUTHENTICATED'), null, refused('SESSION_IDLE')];
    expect(signInReasonOf(errors)).toBe('SESSION_IDLE');
    expect(signInReasonOf(errors.toReversed())).toBe('SESSION_IDLE');
  });

  it('sends any other 401 to sign-in as UNAUTHENTICATED', () => {
    expect(signInReasonOf([refused('UNAUTHENTICATED')])).toBe('UNAUTHENTICATED');
    expect(signInReasonOf([refused('SOMETHING_NEW')])).toBe('UNAUTHENTICATED');
  });

  it('ignores failures that are not a refused session', () => {
    expect(signInReasonOf([])).toBeNull();
    expect(signInReasonOf([null, undefined, new Error('offline')])).toBeNull();
    expect(signInReasonOf([refused('SESSION_IDLE', 403), refused('NETWORK', 0)])).toBeNull();
  });
});

describe('signInHref', () => {
  it('carries the reason in the sign-in URL, and round-trips through signInNotice', () => {
    expect(signInHref('SESSION_EXPIRED')).toBe('/sign-in?ended=SESSION_EXPIRED');
    const ended = new URL(signInHref('SESSION_EXPIRED'), 'http://x').searchParams.get('ended');
    expect(signInNotice(ended)).toBe(SESSION_END_CODES.SESSION_EXPIRED);
  });

  it('is plain sign-in without a reason', () => {
    expect(signInHref(null)).toBe('/sign-in');
  });
});

describe('moreTelling', () => {
  it('keeps an ended session’s code over UNAUTHENTICATED or none, and the first of two codes', () => {
    expect(moreTelling('SESSION_IDLE', 'UNAUTHENTICATED')).toBe('SESSION_IDLE');
    expect(moreTelling('UNAUTHENTICATED', 'SESSION_IDLE')).toBe('SESSION_IDLE');
    expect(moreTelling(null, 'UNAUTHENTICATED')).toBe('UNAUTHENTICATED');
    expect(moreTelling('UNAUTHENTICATED', null)).toBe('UNAUTHENTICATED');
    expect(moreTelling('SESSION_EXPIRED', 'SESSION_IDLE')).toBe('SESSION_EXPIRED');
    expect(moreTelling(null, null)).toBeNull();
  });
});
