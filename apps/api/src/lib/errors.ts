import { SESSION_END_CODES, type SessionEndCode, type StatementCheck } from '@meritum/shared';
import type { ZodError } from 'zod';

/** An error the API can explain: a machine-readable code and the HTTP status it maps to. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', message, 400, details);
  }

  static fromZod(error: ZodError, what: string): ValidationError {
    const issues = error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    const first = issues[0];
    const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
    return new ValidationError(`invalid ${what}: ${summary}`, issues);
  }
}

export class InvalidProviderIdError extends AppError {
  constructor() {
    super('INVALID_PROVIDER_ID', 'a provider id (UUID) is required', 400);
  }
}

export class UnknownProviderError extends AppError {
  constructor() {
    super('UNKNOWN_PROVIDER', 'no such provider', 404);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`, 404);
  }
}

export class InvalidTransitionError extends AppError {
  constructor(from: string, to: string, reason?: string) {
    super('INVALID_TRANSITION', reason ?? `a claim cannot go from ${from} to ${to}`, 409, {
      from,
      to,
    });
  }
}

export class StatementNotFoundError extends AppError {
  constructor() {
    super('STATEMENT_NOT_FOUND', 'no such statement', 404);
  }
}

/** The statement no longer matches the claims, or is too old to export without a re-run. */
export class StatementStaleError extends AppError {
  constructor(check: StatementCheck) {
    const why =
      check.state === 'expired'
        ? 'it was generated too long ago'
        : `claims changed since it was generated (${check.claimsCountAtGeneration} claims then, ${check.claimsCountNow} now)`;
    super(
      'STATEMENT_STALE',
      `the statement cannot be exported: ${why}; re-run it first`,
      409,
      check,
    );
  }
}

/** A recomputation from the claims disagrees with the statement's stored figures. */
export class StatementMismatchError extends AppError {
  constructor(differences: readonly unknown[]) {
    super(
      'STATEMENT_MISMATCH',
      `the statement's figures do not match its claims (${differences.length} differences); nothing was exported; re-run it`,
      409,
      { differences },
    );
  }
}

/** Another instance kept the provider's refresh lock for longer than a request may wait. */
export class AnalyticsBusyError extends AppError {
  constructor() {
    super('ANALYTICS_BUSY', 'the figures are being refreshed; try again in a few seconds', 503);
  }
}

/** The database is out of reach (a 503 with Retry-After): the pool reconnects once it is back. */
export class DatabaseUnavailableError extends AppError {
  constructor() {
    super('DATABASE_UNAVAILABLE', 'the database is unavailable; try again shortly', 503);
  }
}

/** A statement ran past statement_timeout and was cancelled (a 503 with Retry-After). */
export class DatabaseTimeoutError extends AppError {
  constructor() {
    super('DATABASE_TIMEOUT', 'the database took too long to answer; try again shortly', 503);
  }
}

/** A limit on requests (per address, account or physician) is spent until `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many requests; try again later',
  ) {
    super('RATE_LIMITED', message, 429);
  }
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('UNAUTHENTICATED', 'sign in first: no valid session', 401);
  }
}

export class ForbiddenOriginError extends AppError {
  constructor() {
    super('FORBIDDEN_ORIGIN', 'state-changing requests must come from this site', 403);
  }
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super('INVALID_CREDENTIALS', 'email or password is wrong', 401);
  }
}

/** A session that was valid once but ended: idle, too old, or ended by its physician. */
export class SessionEndedError extends AppError {
  constructor(code: SessionEndCode) {
    super(code, SESSION_END_CODES[code], 401);
  }
}

export class InvalidCurrentPasswordError extends AppError {
  constructor() {
    super('INVALID_CURRENT_PASSWORD', 'the current password is wrong', 403);
  }
}
