import type { FastifyRequest } from 'fastify';
import type { RequestLimit } from '../lib/rate-limit';
import { addressKey } from './client-address';
import { providerOf } from './sessions';

/**
 * A hook counting the request against the client's address: the socket's peer, or behind the
 * trusted proxy hop, the address that proxy saw (Fastify's `request.ip`); an IPv6 client by its
 * /64.
 */
export const perAddress = (limit: RequestLimit) => async (request: FastifyRequest) =>
  limit.take(addressKey(request.ip));

/** A hook counting the request against the signed-in physician, wherever they ask from. */
export const perPhysician = (limit: RequestLimit) => async (request: FastifyRequest) =>
  limit.take(providerOf(request));
