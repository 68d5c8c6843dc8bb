import {
  CreateStatementRequest,
  Statement,
  StatementExportList,
  StatementExportQuery,
  StatementList,
  StatementParams,
  StatementsQuery,
} from '@meritum/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RequestLimit } from '../../../lib/rate-limit';
import { errorResponses as errors, NoContent } from '../../../lib/responses';
import { NoBody, NoQuery } from '../../../lib/validate';
import { perPhysician } from '../../../plugins/limits';
import { providerOf, userOf } from '../../../plugins/sessions';
import type { StatementService } from '../services/statement.service';
import type { StatementExportService } from '../services/statement-export.service';

export interface StatementsRoutesOptions {
  statements: StatementService;
  exports: StatementExportService;
  /** Per physician: creating, re-running and exporting statements. */
  limit: RequestLimit;
}

const tags = ['statements'];

/** The exported file, sent as an attachment: CSV text or PDF bytes. */
const fileOf = (description: string) =>
  z.instanceof(Buffer).meta({ description, type: 'string', format: 'binary' });
const ExportedFile = {
  description: 'The statement, as an attachment whose file name names the period',
  content: {
    'text/csv': { schema: fileOf('UTF-8 CSV: header lines, then one row per figure and month') },
    'application/pdf': { schema: fileOf('A one- or two-page PDF statement') },
  },
};

/**
 * Statements of the session's physician: frozen period figures, re-run on demand, exported as
 * CSV or PDF while they still match the claims, every export recorded.
 */
export const statementsRoutes: FastifyPluginAsyncZod<StatementsRoutesOptions> = async (
  app,
  { statements, exports, limit },
) => {
  // Before the body is read or validated: without a session, every request is a 401.
  app.addHook('onRequest', app.authenticate);
  // Figures of a physician's claims: never kept by a browser or a proxy.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.post(
    '',
    {
      schema: {
        tags,
        summary: 'Create the statement of a period, or re-run it',
        querystring: NoQuery,
        body: CreateStatementRequest,
        response: { 201: Statement, ...errors },
      },
      preHandler: perPhysician(limit),
    },
    async (request, reply) =>
      reply.status(201).send(await statements.create(providerOf(request), request.body)),
  );

  app.get(
    '',
    {
      schema: {
        tags,
        summary: 'The stored statement of a period (with period), or the list, newest first',
        querystring: StatementsQuery,
        response: { 200: z.union([Statement, StatementList]), ...errors },
      },
    },
    async (request) => {
      const { period, start, end, claimType, limit } = request.query;
      if (period === undefined) {
        return { statements: await statements.list(providerOf(request), limit) };
      }
      return statements.getByPeriod(providerOf(request), { period, start, end, claimType });
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'One statement',
        params: StatementParams,
        querystring: NoQuery,
        response: { 200: Statement, ...errors },
      },
    },
    async (request) => statements.get(providerOf(request), request.params.id),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Delete a statement (the record of its exports stays)',
        params: StatementParams,
        querystring: NoQuery,
        body: NoBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await statements.remove(providerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:id/export',
    {
      schema: {
        tags,
        summary: 'Export a current statement as CSV or PDF; 409 unless it matches its claims',
        params: StatementParams,
        querystring: StatementExportQuery,
        response: { 200: ExportedFile, ...errors },
      },
      preHandler: perPhysician(limit),
    },
    async (request, reply) => {
      const file = await exports.exportStatement(
        providerOf(request),
        userOf(request),
        request.params.id,
        request.query.format,
      );
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.bytes);
    },
  );

  app.get(
    '/:id/exports',
    {
      schema: {
        tags,
        summary: 'What was exported of a statement, newest first',
        params: StatementParams,
        querystring: NoQuery,
        response: { 200: StatementExportList, ...errors },
      },
    },
    async (request) => ({
      exports: await exports.listExports(providerOf(request), request.params.id),
    }),
  );
};
