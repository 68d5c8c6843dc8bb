import {
  ApiErrorBody,
  BACKGROUND_REQUEST_HEADER,
  ClaimDetailResponse,
  ClaimListResponse,
  type CreateStatementRequest,
  type DashboardQuery,
  DashboardResponse,
  type ExportFormat,
  type LoginRequest,
  type PasswordChange,
  Profile,
  SignupAccepted,
  type SignupRequest,
  Statement,
  StatementExportList,
  StatementList,
} from '@meritum/shared/client';
import type { z } from 'zod';
import { type ClaimsFilter, searchFromFilter } from './claims-filter';
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

/**
 * How a read is sent: its query's abort signal, and whether the page sends it on its own
 * (polling, refetch on focus): such a read carries BACKGROUND_REQUEST_HEADER, so that it does not
 * count as the physician's activity and an unattended page still reaches the idle timeout.
 */
export interface ReadInit {
  signal?: AbortSignal | undefined;
  background?: boolean | undefined;
}

interface CallInit extends ReadInit {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
}

/** The headers a call sends: a body's type, and the mark of a read the page sent on its own. */
function headersOf(init: CallInit): Record<string, string> {
  return {
    ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(init.background ? { [BACKGROUND_REQUEST_HEADER]: '1' } : {}),
  };
}

/** Sends a request through this site's /api proxy; a refusal or failure is an ApiError. */
async function send(path: string, init: CallInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: headersOf(init),
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

/** A page of a claims list: its filter, then where the last page ended. */
function claimsPath(filter: ClaimsFilter, cursor: string | null) {
  const params = new URLSearchParams(searchFromFilter(filter));
  if (cursor !== null) params.set('cursor', cursor);
  const search = params.toString();
  return search === '' ? '/claims' : `/claims?${search}`;
}

export const api = {
  me: (init?: ReadInit) => call('/auth/me', Profile, init),
  login: (body: LoginRequest) => call('/auth/login', Profile, { method: 'POST', body }),
  /** Answers alike whether or not the account was new, and signs nobody in: log in next. */
  signup: (body: SignupRequest) => call('/auth/signup', SignupAccepted, { method: 'POST', body }),
  logout: () => call('/auth/logout', null, { method: 'POST' }),
  signOutEverywhere: () => call('/auth/sign-out-everywhere', null, { method: 'POST' }),
  changePassword: (body: PasswordChange) => call('/auth/password', null, { method: 'POST', body }),
  dashboard: (query: DashboardQuery, init?: ReadInit) =>
    call(`/analytics/dashboard?${searchFromQuery(query)}`, DashboardResponse, init),
  refresh: () => call('/analytics/refresh', null, { method: 'POST' }),
  claims: (filter: ClaimsFilter, cursor: string | null, init?: ReadInit) =>
    call(claimsPath(filter, cursor), ClaimListResponse, init),
  claim: (id: string, init?: ReadInit) =>
    call(`/claims/${encodeURIComponent(id)}`, ClaimDetailResponse, init),
  statements: (init?: ReadInit) => call(STATEMENTS, StatementList, init),
  statement: (id: string, init?: ReadInit) =>
    call(`${STATEMENTS}/${encodeURIComponent(id)}`, Statement, init),
  createStatement: (body: CreateStatementRequest) =>
    call(STATEMENTS, Statement, { method: 'POST', body }),
  deleteStatement: (id: string) =>
    call<undefined>(`${STATEMENTS}/${encodeURIComponent(id)}`, null, { method: 'DELETE' }),
  statementExports: (id: string, init?: ReadInit) =>
    call(`${STATEMENTS}/${encodeURIComponent(id)}/exports`, StatementExportList, init),
  exportStatement: (id: string, format: ExportFormat) =>
    download(
      `${STATEMENTS}/${encodeURIComponent(id)}/export?format=${format}`,
      `meritum-statement.${format}`,
    ),
};

/** What to tell the physician about a failure. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : 'Something went wrong. Try again.';
