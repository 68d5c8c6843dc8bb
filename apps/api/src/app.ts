import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from './db/client';
import { analyticsRoutes } from './domains/analytics/routes/analytics.routes';
import { statementsRoutes } from './domains/analytics/routes/statements.routes';
import { authRoutes } from './domains/auth/routes/auth.routes';
import { claimsRoutes } from './domains/claims/routes/claims.routes';
import { errorsPlugin, sendError } from './plugins/errors';
import { responseSerializerCompiler } from './plugins/response-serializer';
import { sessionsPlugin } from './plugins/sessions';
import { healthRoutes } from './routes/health.routes';
import type { Services } from './services';

type RateLimit = { max: number; timeWindow: string };

export interface AppOptions {
  /** The process's logger (src/lib/logger.ts); none when absent. */
  logger?: FastifyBaseLogger;
  /** Secure cookies: on in production, off for plain-HTTP development and tests. */
  secureCookies?: boolean;
  loginRateLimit?: RateLimit;
  refreshRateLimit?: RateLimit;
  /** Creating and exporting statements, per client address. */
  statementRateLimit?: RateLimit;
  /**
   * Which peers' X-Forwarded-* headers count (Fastify's trustProxy): the web app's same-origin
   * proxy forwards its host, scheme and client address. None trusted when absent.
   */
  trustProxy?: string | false;
}

/**
 * Builds the API from its dependencies: infrastructure plugins, then the domains. It never
 * listens: server.ts does, and tests use inject() or Supertest on app.server.
 */
export async function buildApp({
  db,
  services,
  options = {},
}: {
  db: Database;
  services: Services;
  options?: AppOptions;
}) {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    trustProxy: options.trustProxy || false,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: sendError,
  }).withTypeProvider<ZodTypeProvider>();
  // Bodies are JSON: text/plain is a 415, as form data is, not a string left to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  await app.register(helmet);
  await app.register(rateLimit, { global: false });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Meritum API',
        version: '1.0.0',
        description: 'Billing analytics for Alberta physicians',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(sessionsPlugin, {
    auth: services.auth,
    secure: options.secureCookies ?? false,
  });

  await app.register(healthRoutes, { db });
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    auth: services.auth,
    loginRateLimit: options.loginRateLimit ?? { max: 10, timeWindow: '1 minute' },
  });
  await app.register(claimsRoutes, { prefix: '/api/v1/claims', claims: services.claims });
  await app.register(analyticsRoutes, {
    prefix: '/api/v1/analytics',
    analytics: services.analytics,
    validation: services.validation,
    refreshRateLimit: options.refreshRateLimit ?? { max: 6, timeWindow: '1 minute' },
  });
  await app.register(statementsRoutes, {
    prefix: '/api/v1/analytics/statements',
    statements: services.analytics.statements,
    exports: services.analytics.statementExports,
    rateLimit: options.statementRateLimit ?? { max: 30, timeWindow: '1 minute' },
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
