import {
  ClaimDetailResponse,
  ClaimListQuery,
  ClaimListResponse,
  ClaimResponse,
  ClaimTransition,
  NewClaim,
} from '@meritum/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses as errors } from '../../../lib/responses';
import { NoQuery } from '../../../lib/validate';
import { providerOf } from '../../../plugins/sessions';
import type { ClaimsService } from '../services/claims.service';

const ClaimParams = z.strictObject({ id: z.uuid({ message: 'claim ids are UUIDs' }) });

/** Claims of the session's provider: create, list, read with history, transition. */
export const claimsRoutes: FastifyPluginAsyncZod<{ claims: ClaimsService }> = async (
  app,
  { claims },
) => {
  // Before the body is read or validated: without a session, every request is a 401.
  app.addHook('onRequest', app.authenticate);

  app.post(
    '',
    {
      schema: {
        tags: ['claims'],
        querystring: NoQuery,
        body: NewClaim,
        response: { 201: ClaimResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await claims.create(providerOf(request), request.body)),
  );

  app.get(
    '',
    {
      schema: {
        tags: ['claims'],
        querystring: ClaimListQuery,
        response: { 200: ClaimListResponse, ...errors },
      },
    },
    async (request) => claims.list(providerOf(request), request.query),
  );

  app.get(
    '/:id',
    {
      schema: {
        tags: ['claims'],
        params: ClaimParams,
        querystring: NoQuery,
        response: { 200: ClaimDetailResponse, ...errors },
      },
    },
    async (request) => claims.get(providerOf(request), request.params.id),
  );

  app.post(
    '/:id/transitions',
    {
      schema: {
        tags: ['claims'],
        params: ClaimParams,
        querystring: NoQuery,
        body: ClaimTransition,
        response: { 200: ClaimResponse, ...errors },
      },
    },
    async (request) => claims.transition(providerOf(request), request.params.id, request.body),
  );
};
