import { PeriodError } from '@meritum/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

/**
 * One error shape for every response: `{ error: { code, message, details?, requestId } }`.
 * Validation is a 400 with the issues; a 5xx says nothing of its cause (it is logged instead).
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const body = (code: string, message: string, details?: unknown): ErrorBody => ({
        error: {
          code,
          message,
          ...(details === undefined ? {} : { details }),
          requestId: request.id,
        },
      });
      if (hasZodFastifySchemaValidationErrors(err)) {
        const details = err.validation.map((v) => ({
          path: `${err.validationContext ?? ''}${v.instancePath}`,
          message: v.message,
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
      if (err instanceof AppError) {
        return reply.status(err.statusCode).send(body(err.code, err.message, err.details));
      }
      if (err instanceof PeriodError) return reply.status(400).send(body(err.code, err.message));
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Fastify's own 4xx (bad JSON, body too large, wrong content type, rate limit).
        return reply.status(status).send(body(err.code ?? 'BAD_REQUEST', err.message));
      }
      request.log.error({ err }, 'request failed');
      return reply
        .status(500)
        .send(body('INTERNAL', 'something went wrong; the request id helps us find it'));
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: {
          code: 'NOT_FOUND',
          message: `no route ${request.method} ${request.url}`,
          requestId: request.id,
        },
      }),
    );
  },
  { name: 'errors' },
);
