import { BACKGROUND_REQUEST_HEADER, SESSION_COOKIE } from '@meritum/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService, SessionOf } from '../domains/auth/services/auth.service';
import { ForbiddenOriginError, SessionEndedError, UnauthenticatedError } from '../lib/errors';

export { SESSION_COOKIE };

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionOf | null;
  }
  interface FastifyInstance {
    /** onRequest: 401 unless the request carries a valid session (the code says why not). */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    setSessionCookie: (reply: FastifyReply, token: string, expiresAt: Date) => void;
    clearSessionCookie: (reply: FastifyReply) => void;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Session cookies (HttpOnly, SameSite=Lax, Secure in production) and the CSRF rule of Lucia's
 * guide: a state-changing request whose Origin is another site is refused.
 */
export const sessionsPlugin = fp(
  async (
    app: FastifyInstance,
    options: { auth: Pick<AuthService, 'validate'>; secure: boolean },
  ) => {
    app.decorateRequest('session', null);

    app.addHook('onRequest', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      const origin = request.headers.origin;
      if (origin === undefined) return; // not a browser (curl, server to server)
      // Scheme, host and port must all match; X-Forwarded-* count only behind a trusted proxy.
      if (origin !== `${request.protocol}://${request.host}`) throw new ForbiddenOriginError();
    });

    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      path: '/',
    } as const;
    app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, expires: expiresAt });
    });
    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
    });

    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = request.cookies[SESSION_COOKIE];
      const check = await options.auth.validate(token, {
        background: request.headers[BACKGROUND_REQUEST_HEADER] === '1',
      });
      if (check && 'session' in check) {
        request.session = check.session;
        return;
      }
      if (token !== undefined) app.clearSessionCookie(reply); // ended, expired or forged
      throw check ? new SessionEndedError(check.ended) : new UnauthenticatedError();
    });
  },
  { name: 'sessions', dependencies: ['@fastify/cookie'] },
);

/** The request's session: for routes behind `authenticate`. */
export function sessionOf(request: FastifyRequest): SessionOf {
  if (!request.session) throw new UnauthenticatedError();
  return request.session;
}

/** The session's provider: for routes behind `authenticate`. */
export function providerOf(request: FastifyRequest): string {
  return sessionOf(request).providerId;
}

/** The session's user: who asked, for the audit trail. */
export function userOf(request: FastifyRequest): string {
  return sessionOf(request).userId;
}
