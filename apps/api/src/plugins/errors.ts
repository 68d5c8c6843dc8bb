import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable, isStatementCancelled } from '../db/postgres-errors';
import {
  AppError,
  DatabaseTimeoutError,
  DatabaseUnavailableError,
  RateLimitedError,
} from '../lib/errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

/** Fastify's own 4xx, in the API's words: its FST_ERR_* codes are not part of the contract. */
const FRAMEWORK_ERRORS: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_JSON',
    message: 'the body is empty, but its content-type says JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'request bodies are JSON, sent with content-type application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE' },
  // The router's own: their default messages repeat the whole URL.
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG', message: 'a path parameter is too long' },
  FST_ERR_BAD_URL: { code: 'BAD_URL', message: 'the URL is not validly encoded' },
};
const CODE_BY_STATUS: Record<number, string> = { 429: 'RATE_LIMITED' };

/** Messages quote what was sent (an unknown key, say); a long one is cut, not echoed whole. */
const MAX_MESSAGE = 200;
const clip = (text: string) =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;

/**
 * Answers any error in the one shape: `{ error: { code, message, details?, requestId } }`.
 * Validation is a 400 with the issues; a database out of reach is a 503 DATABASE_UNAVAILABLE;
 * a statement cancelled by its timeout a 503 DATABASE_TIMEOUT;
 * a 5xx says nothing of its cause (it is logged instead).
 * Also the app's `frameworkErrors`, for the router's errors that no hook sees.
 */
export function sendError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // The router's errors skip the onSend hook that sets it for everything else.
  reply.header('x-request-id', request.id);
  const body = (code: string, message: string, details?: unknown): ErrorBody => ({
    error: {
      code,
      message: clip(message),
      ...(details === undefined ? {} : { details }),
      requestId: request.id,
    },
  });
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({
      path: clip(`${err.validationContext ?? ''}${v.instancePath}`),
      message: clip(v.message ?? ''),
    }));
    const first = details[0];
    return reply
      .status(400)
      .send(
        body(
          'VALIDATION_FAILED',
          `invalid request: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(),
          details,
        ),
      );
  }
  const explained = err instanceof AppError ? err : databaseError(err, request);
  if (explained) {
    // Busy, not broken: the client may try again shortly.
    if (explained.statusCode === 503) reply.header('retry-after', '5');
    if (explained instanceof RateLimitedError) {
      reply.header('retry-after', String(explained.retryAfterSeconds));
    }
    return reply
      .status(explained.statusCode)
      .send(body(explained.code, explained.message, explained.details));
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (bad JSON, body too large, wrong content type, rate limit).
    const known = FRAMEWORK_ERRORS[err.code];
    return reply
      .status(status)
      .send(
        body(known?.code ?? CODE_BY_STATUS[status] ?? 'BAD_REQUEST', known?.message ?? err.message),
      );
  }
  request.log.error({ err }, 'request failed');
  return reply
    .status(500)
    .send(body('INTERNAL', 'something went wrong; the request id helps us find it'));
}

/** A database error that is no bug of the API's, as the error it answers with; else undefined. */
function databaseError(err: unknown, request: FastifyRequest): AppError | undefined {
  if (isDatabaseUnavailable(err)) {
    // Not the request's fault, nor a bug: the pool reconnects once the database is back.
    request.log.warn({ err }, 'database unavailable');
    return new DatabaseUnavailableError();
  }
  if (isStatementCancelled(err)) {
    // Held up (a lock, a load), not broken: the statement's transaction was rolled back.
    request.log.warn({ err }, 'database statement timed out');
    return new DatabaseTimeoutError();
  }
  return undefined;
}

/** One error shape for every response, 404s included. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(sendError);
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: {
          code: 'NOT_FOUND',
          message: clip(`no route ${request.method} ${request.url}`),
          requestId: request.id,
        },
      }),
    );
  },
  { name: 'errors' },
);
