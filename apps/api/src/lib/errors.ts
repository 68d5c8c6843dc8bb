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
