import {
  ApiErrorBody,
  type CreateStatementRequest,
  type DashboardQuery,
  DashboardResponse,
  type ExportFormat,
  type LoginRequest,
  Profile,
  type SignupRequest,
  Statement,
  StatementExportList,
  StatementList,
} from '@meritum/shared/client';
import type { z } from 'zod';
import { fileNameOf } from './content-disposition';
import { searchFromQuery } from './dashboard-query';

/** A refused or failed API call, with the API's machine-readable code and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    /** The API's `details`, unchecked: a caller that reads them parses them with its schema. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface CallInit {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/** Sends a request through this site's /api proxy; a refusal or failure is an ApiError. */
async function send(path: string, init: CallInit): Promise<Response> {
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
  if (!response.ok) {
    const parsed = ApiErrorBody.safeParse(safeJson(await response.text()));
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    throw new ApiError(
      response.status,
      parsed.success ? parsed.data.error.code : 'HTTP_ERROR',
      parsed.success ? parsed.data.error.message : `The server answered ${response.status}.`,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
      parsed.success ? parsed.data.error.details : undefined,
    );
  }
  return response;
}

/** Calls the API and checks the answer against the shared schema (null: no body expected). */
async function call<T>(path: string, schema: z.ZodType<T> | null, init: CallInit = {}): Promise<T> {
  const response = await send(path, init);
  if (schema === null) return undefined as T;
  const text = await response.text();
  const parsed = schema.safeParse(text === '' ? undefined : safeJson(text));
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'UNEXPECTED_RESPONSE',
      'The server sent an answer this page does not understand.',
    );
  }
  return parsed.data;
}

/** A file the API sends as an attachment, named as its content-disposition names it. */
async function download(path: string, fallbackName: string) {
  const response = await send(path, {});
  const blob = await response.blob();
  return {
    blob,
    fileName: fileNameOf(response.headers.get('content-disposition')) ?? fallbackName,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const STATEMENTS = '/analytics/statements';

export const api = {
  me: (signal?: AbortSignal) => call('/auth/me', Profile, { signal }),
  login: (body: LoginRequest) => call('/auth/login', Profile, { method: 'POST', body }),
  signup: (body: SignupRequest) => call('/auth/signup', Profile, { method: 'POST', body }),
  logout: () => call('/auth/logout', null, { method: 'POST' }),
  dashboard: (query: DashboardQuery, signal?: AbortSignal) =>
    call(`/analytics/dashboard?${searchFromQuery(query)}`, DashboardResponse, { signal }),
  refresh: () => call('/analytics/refresh', null, { method: 'POST' }),
  statements: (signal?: AbortSignal) => call(STATEMENTS, StatementList, { signal }),
  statement: (id: string, signal?: AbortSignal) =>
    call(`${STATEMENTS}/${encodeURIComponent(id)}`, Statement, { signal }),
  createStatement: (body: CreateStatementRequest) =>
    call(STATEMENTS, Statement, { method: 'POST', body }),
  deleteStatement: (id: string) =>
    call<undefined>(`${STATEMENTS}/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
  statementExports: (id: string, signal?: AbortSignal) =>
    call(`${STATEMENTS}/${encodeURIComponent(id)}/exports`, StatementExportList, { signal }),
  exportStatement: (id: string, format: ExportFormat) =>
    download(
      `${STATEMENTS}/${encodeURIComponent(id)}/export?format=${format}`,
      `meritum-statement.${format}`,
    ),
};

/** What to tell the physician about a failure. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : 'Something went wrong. Try again.';
