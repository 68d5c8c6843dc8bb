'use client';
import type { ClaimListResponse } from '@meritum/shared/client';
import { hashKey, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api } from './api';
import type { ClaimsFilter } from './claims-filter';
import { retryUnlessRefused, useApiQuery } from './queries';
import { ReadOrigin } from './read-origin';

const claimKeys = {
  list: (filter: ClaimsFilter) => ['claims', 'list', filter] as const,
  one: (id: string) => ['claims', 'one', id] as const,
};

/**
 * A list of claims, a page at a time, each page after the cursor the last one ended with. As
 * with every read, the physician's asks (opening the list, Load more, Try again) are theirs;
 * a refetch on focus is the page's own (ReadOrigin).
 */
export function useClaimList(filter: ClaimsFilter) {
  const client = useQueryClient();
  const [origin] = useState(() => new ReadOrigin());
  const queryKey = claimKeys.list(filter);
  const key = hashKey(queryKey);
  origin.show(key, client.getQueryCache().get(key)?.state);
  const query = useInfiniteQuery({
    queryKey,
    retry: retryUnlessRefused,
    initialPageParam: null as string | null,
    getNextPageParam: (last: ClaimListResponse) => last.nextCursor,
    queryFn: ({ signal, pageParam, queryKey: asked }) => {
      const askedKey = hashKey(asked);
      const background = origin.isBackground(askedKey, client.getQueryCache().get(askedKey)?.state);
      return api.claims(filter, pageParam, { signal, background });
    },
  });
  const { fetchNextPage, refetch } = query;
  const loadMore = useCallback(() => {
    origin.askAgain(client.getQueryCache().get(key)?.state);
    void fetchNextPage();
  }, [origin, client, key, fetchNextPage]);
  const readAgain = useCallback(() => {
    origin.askAgain(client.getQueryCache().get(key)?.state);
    void refetch();
  }, [origin, client, key, refetch]);
  return { query, loadMore, readAgain };
}

/** One claim and its history. */
export function useClaim(id: string) {
  return useApiQuery(claimKeys.one(id), (init) => api.claim(id, init));
}
