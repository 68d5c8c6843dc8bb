import {
  LoginRequest,
  PasswordChange,
  Profile,
  SignupAccepted,
  SignupRequest,
} from '@meritum/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RequestLimit } from '../../../lib/rate-limit';
import { errorResponses as errors, NoContent } from '../../../lib/responses';
import { NoBody, NoQuery } from '../../../lib/validate';
import { perAddress } from '../../../plugins/limits';
import { SESSION_COOKIE, sessionOf } from '../../../plugins/sessions';
import type { AuthService } from '../services/auth.service';

export interface AuthRoutesOptions {
  auth: AuthService;
  /** Per client address (behind the trusted proxy hop, the browser's). */
  limits: { login: RequestLimit; signup: RequestLimit };
}

/**
 * Sign-up, login, logout, sign-out everywhere, password change and `me`: the provider always
 * comes from the session.
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (
  app,
  { auth, limits },
) => {
  app.post(
    '/signup',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: SignupRequest,
        response: { 202: SignupAccepted, ...errors },
      },
      preHandler: perAddress(limits.signup),
    },
    async (request, reply) => reply.status(202).send(await auth.signup(request.body)),
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
      preHandler: perAddress(limits.login),
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

  app.post(
    '/sign-out-everywhere',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: NoBody,
        response: { 204: NoContent, ...errors },
      },
      onRequest: app.authenticate,
    },
    async (request, reply) => {
      await auth.signOutEverywhere(sessionOf(request));
      app.clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/password',
    {
      schema: {
        tags: ['auth'],
        querystring: NoQuery,
        body: PasswordChange,
        response: { 204: NoContent, ...errors },
      },
      onRequest: app.authenticate,
    },
    async (request, reply) => {
      const { token, expiresAt } = await auth.changePassword(sessionOf(request), request.body);
      app.setSessionCookie(reply, token, expiresAt);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: { tags: ['auth'], querystring: NoQuery, response: { 200: Profile, ...errors } },
      onRequest: app.authenticate,
    },
    async (request) => {
      const { providerId, userId } = sessionOf(request);
      return auth.profile(providerId, userId);
    },
  );
};
