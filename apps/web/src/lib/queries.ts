'use client';
import type {
  DashboardQuery,
  DashboardResponse,
  ExportFormat,
  Statement,
  StatementList,
} from '@meritum/shared/client';
import {
  keepPreviousData,
  type Query,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef } from 'react';
import { ApiError, api } from './api';

/** While the API says a refresh is on its way, ask again after this, then back off. */
const SETTLING_POLL_MS = 1_500;
/** A dashboard left open reads again this often (a cached read costs the API milliseconds). */
const IDLE_POLL_MS = 60_000;

const isUnauthenticated = (error: unknown) => error instanceof ApiError && error.status === 401;

/**
 * Without a session every page but sign-in and sign-up sends the physician to sign in, and
 * forgets what it read: the next person at this computer must not see these figures.
 */
export function useSignInWhenUnauthenticated(...errors: unknown[]) {
  const toSignIn = useToSignIn();
  const unauthenticated = errors.some(isUnauthenticated);
  useEffect(() => {
    if (unauthenticated) toSignIn();
  }, [unauthenticated, toSignIn]);
}

/** Forgets every figure this page read, then goes to sign-in. */
function useToSignIn() {
  const router = useRouter();
  const client = useQueryClient();
  return useCallback(() => {
    client.clear();
    router.replace('/sign-in');
  }, [client, router]);
}

const retryUnlessRefused = (failures: number, error: unknown) =>
  failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500);

export function useProfile() {
  return useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => api.me(signal),
    retry: retryUnlessRefused,
    staleTime: 5 * 60_000,
  });
}

const settling = (data: DashboardResponse | undefined) =>
  data?.freshness.state === 'stale' || data?.freshness.state === 'refreshing';

export function useDashboard(query: DashboardQuery) {
  // Reads in a row that found a refresh still under way: each waits twice as long as the last,
  // so a refresh that keeps failing is not asked for every 1.5 s.
  const settlingReads = useRef({ count: 0, lastRead: 0 });
  return useQuery({
    queryKey: ['dashboard', query],
    queryFn: ({ signal }) => api.dashboard(query, signal),
    retry: retryUnlessRefused,
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
  return useQuery({
    queryKey: statementKeys.list,
    queryFn: ({ signal }) => api.statements(signal),
    retry: retryUnlessRefused,
    refetchInterval: STATEMENT_POLL_MS,
  });
}

export function useStatement(id: string) {
  return useQuery({
    queryKey: statementKeys.one(id),
    queryFn: ({ signal }) => api.statement(id, signal),
    retry: retryUnlessRefused,
    refetchInterval: STATEMENT_POLL_MS,
  });
}

export function useStatementExports(id: string) {
  return useQuery({
    queryKey: statementKeys.exports(id),
    queryFn: ({ signal }) => api.statementExports(id, signal),
    retry: retryUnlessRefused,
  });
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
  return useMutation({ mutationFn: api.logout, onSuccess: useToSignIn() });
}
