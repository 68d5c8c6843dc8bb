import { LoginRequest, Profile, SignupRequest } from '@meritum/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses as errors, NoContent } from '../../../lib/responses';
import { NoBody, NoQuery } from '../../../lib/validate';
import { providerOf, SESSION_COOKIE } from '../../../plugins/sessions';
import type { AuthService } from '../services/auth.service';

export interface AuthRoutesOptions {
  auth: AuthService;
  loginRateLimit: { max: number; timeWindow: string };
}

/** Sign-up, login, logout and `me`: the provider always comes from the session. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (
  app,
  { auth, loginRateLimit },
) => {
  app.post(
    '/signup',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: SignupRequest,
        response: { 201: Profile, ...errors },
      },
    },
    async (request, reply) => {
      const { providerId, userId, token, expiresAt } = await auth.signup(request.body);
      app.setSessionCookie(reply, token, expiresAt);
      return reply.status(201).send(await auth.profile(providerId, userId));
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: LoginRequest,
        response: { 200: Profile, ...errors },
      },
      config: { rateLimit: loginRateLimit },
    },
    async (request, reply) => {
      const { providerId, userId, token, expiresAt } = await auth.login(request.body);
      app.setSessionCookie(reply, token, expiresAt);
      return auth.profile(providerId, userId);
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: NoBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await auth.logout(request.cookies[SESSION_COOKIE]);
      app.clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: { tags: ['auth'], querystring: NoQuery, response: { 200: Profile, ...errors } },
      onRequest: app.authenticate,
    },
    async (request) => auth.profile(providerOf(request), request.session?.userId ?? ''),
  );
};
