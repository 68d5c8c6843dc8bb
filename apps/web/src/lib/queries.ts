'use client';
import type { DashboardQuery, DashboardResponse } from '@meritum/shared/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { ApiError, api } from './api';

/** While the API says a refresh is on its way, ask again this often until it has landed. */
const SETTLING_POLL_MS = 1_500;
/** A dashboard left open reads again this often (a cached read costs the API milliseconds). */
const IDLE_POLL_MS = 60_000;

const isUnauthenticated = (error: unknown) => error instanceof ApiError && error.status === 401;

/** Without a session every page but sign-in and sign-up sends the physician to sign in. */
export function useSignInWhenUnauthenticated(...errors: unknown[]) {
  const router = useRouter();
  const unauthenticated = errors.some(isUnauthenticated);
  useEffect(() => {
    if (unauthenticated) router.replace('/sign-in');
  }, [unauthenticated, router]);
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

export function useDashboard(query: DashboardQuery) {
  return useQuery({
    queryKey: ['dashboard', query],
    queryFn: ({ signal }) => api.dashboard(query, signal),
    retry: retryUnlessRefused,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (settling(q.state.data) ? SETTLING_POLL_MS : IDLE_POLL_MS),
  });
}

const settling = (data: DashboardResponse | undefined) =>
  data?.freshness.state === 'stale' || data?.freshness.state === 'refreshing';

/** The refresh button: recompute the physician's cache, then read every dashboard again. */
export function useRefresh() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: api.refresh,
    onSuccess: () => client.invalidateQueries({ queryKey: ['dashboard'] }),
  });
}

export function useSignOut() {
  const client = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: api.logout,
    onSuccess: () => {
      client.clear();
      router.replace('/sign-in');
    },
  });
}
