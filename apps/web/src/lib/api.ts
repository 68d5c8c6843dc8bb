import {
  ApiErrorBody,
  type DashboardQuery,
  DashboardResponse,
  type LoginRequest,
  Profile,
  type SignupRequest,
} from '@meritum/shared/client';
import type { z } from 'zod';
import { searchFromQuery } from './dashboard-query';

/** A refused or failed API call, with the API's machine-readable code and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the API through this site's /api proxy and checks the answer against the shared schema. */
async function call<T>(
  path: string,
  schema: z.ZodType<T> | null,
  init: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? null : JSON.stringify(init.body),
      signal: init.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Meritum could not be reached. Check your connection.');
  }
  const text = await response.text();
  const json: unknown = text === '' ? undefined : safeJson(text);
  if (!response.ok) {
    const parsed = ApiErrorBody.safeParse(json);
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    throw new ApiError(
      response.status,
      parsed.success ? parsed.data.error.code : 'HTTP_ERROR',
      parsed.success ? parsed.data.error.message : `The server answered ${response.status}.`,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  if (schema === null) return undefined as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'UNEXPECTED_RESPONSE',
      'The server sent an answer this page does not understand.',
    );
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const api = {
  me: (signal?: AbortSignal) => call('/auth/me', Profile, signal ? { signal } : {}),
  login: (body: LoginRequest) => call('/auth/login', Profile, { method: 'POST', body }),
  signup: (body: SignupRequest) => call('/auth/signup', Profile, { method: 'POST', body }),
  logout: () => call('/auth/logout', null, { method: 'POST' }),
  dashboard: (query: DashboardQuery, signal?: AbortSignal) =>
    call(
      `/analytics/dashboard?${searchFromQuery(query)}`,
      DashboardResponse,
      signal ? { signal } : {},
    ),
  refresh: () => call('/analytics/refresh', null, { method: 'POST' }),
};

/** What to tell the physician about a failure. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : 'Something went wrong. Try again.';
