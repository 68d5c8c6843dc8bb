'use client';
import type {
  DashboardQuery,
  DashboardResponse,
  ExportFormat,
  Statement,
  StatementList,
} from '@meritum/shared/client';
import {
  hashKey,
  keepPreviousData,
  type Query,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type ReadInit } from './api';
import { ReadOrigin, readFor } from './read-origin';
import { moreTelling, type SignInReason, signInHref, signInReasonOf } from './session-end';

/** While the API says a refresh is on its way, ask again after this, then back off. */
const SETTLING_POLL_MS = 1_500;
/** A dashboard left open reads again this often (a cached read costs the API milliseconds). */
const IDLE_POLL_MS = 60_000;

/**
 * Without a session every page but sign-in and sign-up sends the physician to sign in, saying
 * why the session ended, and forgets what it read: the next person at this computer must not
 * see these figures.
 */
export function useSignInWhenUnauthenticated(...errors: unknown[]) {
  const toSignIn = useToSignIn();
  const reason = signInReasonOf(errors);
  useEffect(() => {
    if (reason) toSignIn(reason);
  }, [reason, toSignIn]);
}

/**
 * The reason of a trip to sign-in about to start. Calls refused together (one page's reads, each
 * in its own component) go once, with the reason that tells most: the first answer to say a
 * session ended removes it, so the others say only UNAUTHENTICATED.
 */
let leaving: { reason: SignInReason | null } | null = null;

/** Forgets every figure this page read, then goes to sign-in, saying why when there is a reason. */
function useToSignIn() {
  const router = useRouter();
  const client = useQueryClient();
  return useCallback(
    (reason: SignInReason | null) => {
      client.clear();
      if (leaving) {
        leaving.reason = moreTelling(leaving.reason, reason);
        return;
      }
      const trip = { reason };
      leaving = trip;
      setTimeout(() => {
        leaving = null;
        router.replace(signInHref(trip.reason));
      }, 0);
    },
    [client, router],
  );
}

export const retryUnlessRefused = (failures: number, error: unknown) =>
  failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500);

type ApiQueryOptions<T> = Omit<UseQueryOptions<T, Error, T, QueryKey>, 'queryKey' | 'queryFn'>;

/**
 * A read of the API as react-query runs it, each request marked as the physician's or the
 * page's own (ReadOrigin). Returns the query and `readAgain`, for a Try again button: unlike
 * `refetch`, its read counts as the physician's.
 */
export function useApiQuery<T>(
  queryKey: QueryKey,
  read: (init: ReadInit) => Promise<T>,
  options: ApiQueryOptions<T> = {},
): [UseQueryResult<T, Error>, () => void] {
  const client = useQueryClient();
  const [origin] = useState(() => new ReadOrigin());
  const key = hashKey(queryKey);
  const cached = client.getQueryCache().get(key);
  const staleTime = typeof options.staleTime === 'number' ? options.staleTime : 0;
  origin.show(key, cached?.state, cached !== undefined && !cached.isStaleByTime(staleTime));
  const query = useQuery({
    retry: retryUnlessRefused,
    ...options,
    queryKey,
    queryFn: readFor(origin, read),
  });
  const { refetch } = query;
  const readAgain = useCallback(() => {
    origin.askAgain(client.getQueryCache().get(key)?.state);
    void refetch();
  }, [origin, client, refetch, key]);
  return [query, readAgain];
}

export function useProfile() {
  const [profile] = useApiQuery(['me'], (init) => api.me(init), { staleTime: 5 * 60_000 });
  return profile;
}

const settling = (data: DashboardResponse | undefined) =>
  data?.freshness.state === 'stale' || data?.freshness.state === 'refreshing';

export function useDashboard(query: DashboardQuery) {
  // Reads in a row that found a refresh still under way: each waits twice as long as the last,
  // so a refresh that keeps failing is not asked for every 1.5 s.
  const settlingReads = useRef({ count: 0, lastRead: 0 });
  return useApiQuery(['dashboard', query], (init) => api.dashboard(query, init), {
    placeholderData: keepPreviousData,
    refetchInterval: (q: Query<DashboardResponse>) => {
      const reads = settlingReads.current;
      if (!settling(q.state.data)) {
        reads.count = 0;
        return IDLE_POLL_MS;
      }
      if (q.state.dataUpdatedAt !== reads.lastRead) {
        reads.lastRead = q.state.dataUpdatedAt;
        reads.count += 1;
      }
      return Math.min(SETTLING_POLL_MS * 2 ** (reads.count - 1), IDLE_POLL_MS);
    },
  });
}

/** The refresh button: recompute the physician's cache, then read every dashboard again. */
export function useRefresh() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: api.refresh,
    onSuccess: () => client.invalidateQueries({ queryKey: ['dashboard'] }),
  });
}

/** Statements can go stale while the page is open (a claim changes, a day passes): read again. */
const STATEMENT_POLL_MS = 60_000;

const statementKeys = {
  all: ['statements'] as const,
  list: ['statements', 'list'] as const,
  one: (id: string) => ['statements', 'one', id] as const,
  exports: (id: string) => ['statements', 'exports', id] as const,
};

export function useStatements() {
  return useApiQuery(statementKeys.list, (init) => api.statements(init), {
    refetchInterval: STATEMENT_POLL_MS,
  });
}

export function useStatement(id: string) {
  return useApiQuery(statementKeys.one(id), (init) => api.statement(id, init), {
    refetchInterval: STATEMENT_POLL_MS,
  });
}

export function useStatementExports(id: string) {
  return useApiQuery(statementKeys.exports(id), (init) => api.statementExports(id, init));
}

/** Creates a statement, or re-runs one (the same period and claim type keep their id). */
export function useCreateStatement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: api.createStatement,
    onSuccess: (statement: Statement) => {
      client.setQueryData(statementKeys.one(statement.id), statement);
      return client.invalidateQueries({ queryKey: statementKeys.list });
    },
  });
}

export function useDeleteStatement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: api.deleteStatement,
    onSuccess: (_: undefined, id: string) => {
      client.setQueryData<StatementList>(statementKeys.list, (list) =>
        list ? { statements: list.statements.filter((s) => s.id !== id) } : list,
      );
      return client.invalidateQueries({ queryKey: statementKeys.list });
    },
  });
}

/**
 * Exports a statement as a file. After an export its history has a new line; after a refusal
 * (409: the claims changed, or the figures no longer match) the statement is read again, so
 * its state and the disabled buttons say why.
 */
export function useExportStatement(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (format: ExportFormat) => api.exportStatement(id, format),
    onSuccess: () => client.invalidateQueries({ queryKey: statementKeys.exports(id) }),
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        return client.invalidateQueries({ queryKey: statementKeys.all });
      }
    },
  });
}

export function useSignOut() {
  const toSignIn = useToSignIn();
  return useMutation({ mutationFn: api.logout, onSuccess: () => toSignIn(null) });
}

/** Ends every session of the physician, this one too: sign-in then says so. */
export function useSignOutEverywhere() {
  const toSignIn = useToSignIn();
  return useMutation({
    mutationFn: api.signOutEverywhere,
    onSuccess: () => toSignIn('SESSION_SIGNED_OUT_EVERYWHERE'),
  });
}

/** A new password: the physician's other sessions end, this one stays. */
export function useChangePassword() {
  return useMutation({ mutationFn: api.changePassword });
}
