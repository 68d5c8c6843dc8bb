import type { StatementCheck } from '@meritum/shared';
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

export class CrossProviderBatchError extends AppError {
  constructor(providerIds: readonly string[]) {
    super('CROSS_PROVIDER_BATCH', 'every entry of a batch must belong to the same provider', 400, {
      providerIds,
    });
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
