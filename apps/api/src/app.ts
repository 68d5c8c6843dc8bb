import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
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
import type { Limit } from './lib/rate-limit';
import { errorsPlugin, sendError } from './plugins/errors';
import { responseSerializerCompiler } from './plugins/response-serializer';
import { sessionsPlugin } from './plugins/sessions';
import { trustedProxies } from './plugins/trusted-proxies';
import { healthRoutes } from './routes/health.routes';
import type { Services } from './services';

/** Requests per client address (login, sign-up) or per physician (the routes that recompute). */
export interface RouteLimits {
  login: Limit;
  signup: Limit;
  refresh: Limit;
  validation: Limit;
  statements: Limit;
}

export const DEFAULT_ROUTE_LIMITS: RouteLimits = {
  login: { max: 10, windowSeconds: 60 },
  signup: { max: 5, windowSeconds: 60 * 60 },
  refresh: { max: 6, windowSeconds: 60 },
  validation: { max: 6, windowSeconds: 60 },
  statements: { max: 30, windowSeconds: 60 },
};

export interface AppOptions {
  /** The process's logger (src/lib/logger.ts); none when absent. */
  logger?: FastifyBaseLogger;
  /** Secure cookies: on in production, off for plain-HTTP development and tests. */
  secureCookies?: boolean;
  /** Each absent limit is its DEFAULT_ROUTE_LIMITS entry. */
  limits?: Partial<RouteLimits>;
  /**
   * Which peers' X-Forwarded-* headers count (addresses, CIDRs or loopback/linklocal/
   * uniquelocal, comma-separated): the web app's same-origin proxy forwards its host, scheme
   * and client address. None trusted when absent.
   */
  trustProxy?: string | false;
  /**
   * How many proxies in a row are believed, from the socket's peer outwards (default 1): the
   * client is the address the last trusted proxy saw, whatever a client wrote before it.
   */
  trustedHops?: number;
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
    trustProxy: options.trustProxy
      ? trustedProxies(options.trustProxy, options.trustedHops ?? 1)
      : false,
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
    // Answers are a physician's own (figures, claims, profile) or about their session: never
    // kept by a browser or a shared cache. The API's documentation UI is the exception.
    if (!request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
  });

  await app.register(errorsPlugin);
  await app.register(helmet);
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
  const limits = { ...DEFAULT_ROUTE_LIMITS, ...options.limits };
  const limit = (name: keyof RouteLimits) => services.requestLimit(name, limits[name]);
  await app.register(authRoutes, {
    prefix: '/api/v1/auth',
    auth: services.auth,
    limits: { login: limit('login'), signup: limit('signup') },
  });
  await app.register(claimsRoutes, { prefix: '/api/v1/claims', claims: services.claims });
  await app.register(analyticsRoutes, {
    prefix: '/api/v1/analytics',
    analytics: services.analytics,
    validation: services.validation,
    limits: { refresh: limit('refresh'), validation: limit('validation') },
  });
  await app.register(statementsRoutes, {
    prefix: '/api/v1/analytics/statements',
    statements: services.analytics.statements,
    exports: services.analytics.statementExports,
    limit: limit('statements'),
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
