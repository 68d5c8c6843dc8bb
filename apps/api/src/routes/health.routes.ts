import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../db/client';
import { errorResponses as errors } from '../lib/responses';

/** Liveness (the process answers) and readiness (the database answers, within a second). */
export const healthRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/health',
    { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const ready = { 200: z.object({ status: z.literal('ready') }), ...errors };
  app.get('/ready', { schema: { tags: ['health'], response: ready } }, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the database took over a second')), 1000);
    });
    try {
      await Promise.race([db.execute(sql`select 1`), timeout]);
      return { status: 'ready' as const };
    } catch (err) {
      request.log.warn({ err }, 'database not ready');
      return reply.status(503).send({
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: 'the database does not answer',
          requestId: request.id,
        },
      });
    } finally {
      clearTimeout(timer);
    }
  });
};
