import { SESSION_COOKIE } from '@meritum/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService, SessionOf } from '../domains/auth/services/auth.service';
import { AppError } from '../lib/errors';

export { SESSION_COOKIE };

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionOf | null;
  }
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a valid session. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    setSessionCookie: (reply: FastifyReply, token: string, expiresAt: Date) => void;
    clearSessionCookie: (reply: FastifyReply) => void;
  }
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super('UNAUTHENTICATED', 'sign in first: no valid session', 401);
  }
}

export class ForbiddenOriginError extends AppError {
  constructor() {
    super('FORBIDDEN_ORIGIN', 'state-changing requests must come from this site', 403);
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

    app.decorate('setSessionCookie', (reply: FastifyReply, token: string, expiresAt: Date) => {
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
        expires: expiresAt,
      });
    });
    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, {
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secure,
        path: '/',
      });
    });

    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = request.cookies[SESSION_COOKIE];
      const session = await options.auth.validate(token);
      if (!session) {
        if (token !== undefined) app.clearSessionCookie(reply); // expired, ended or forged
        throw new UnauthenticatedError();
      }
      request.session = session;
    });

    // A renewed session's cookie carries its new expiry.
    app.addHook('onSend', async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (request.session?.renewedUntil && token)
        app.setSessionCookie(reply, token, request.session.renewedUntil);
    });
  },
  { name: 'sessions', dependencies: ['@fastify/cookie'] },
);

/** The session's provider: for routes behind `authenticate`. */
export function providerOf(request: FastifyRequest): string {
  if (!request.session) throw new UnauthenticatedError();
  return request.session.providerId;
}

/** The session's user: who asked, for the audit trail. */
export function userOf(request: FastifyRequest): string {
  if (!request.session) throw new UnauthenticatedError();
  return request.session.userId;
}
