'use client';
import type { DashboardQuery, DashboardResponse } from '@meritum/shared/client';
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

export function useSignOut() {
  return useMutation({ mutationFn: api.logout, onSuccess: useToSignIn() });
}
