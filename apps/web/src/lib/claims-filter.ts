import { type ClaimListFilter, ClaimListQuery } from '@meritum/shared/client';

/** Which claims a list shows: GET /claims's filters, without the page size and the cursor. */
export type ClaimsFilter = Omit<ClaimListFilter, 'limit' | 'cursor'>;

/** The URL's keys, in the order it writes them. */
const KEYS = [
  'serviceFrom',
  'serviceTo',
  'paidFrom',
  'paidTo',
  'claimType',
  'state',
  'healthServiceCode',
  'explanatoryCode',
  'outstanding',
] as const;

/**
 * The filter's query string, keys always in one order, so one set of claims has one address.
 * URLSearchParams writes the plus of `90+` as %2B: a bare plus would arrive as a space.
 */
export function searchFromFilter(filter: ClaimsFilter): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = filter[key];
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}

/** The claims page showing the claims of `filter`. */
export function claimsHref(filter: ClaimsFilter): string {
  const search = searchFromFilter(filter);
  return search === '' ? '/claims' : `/claims?${search}`;
}

export type FilterFromSearch = { ok: true; filter: ClaimsFilter } | { ok: false; problem: string };

/**
 * The claims page's filter, read from its URL by the API's own schema, so the page refuses what
 * the API would. Parameters the list does not know (utm_source=...) are left out.
 */
export function filterFromSearch(params: URLSearchParams): FilterFromSearch {
  const known: Record<string, string | string[]> = {};
  for (const key of KEYS) {
    const values = params.getAll(key);
    // One value as a string, as the API's query parser hands it over; a repeated key as a list.
    if (values.length > 0) known[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  const parsed = ClaimListQuery.safeParse(known);
  if (!parsed.success) {
    return { ok: false, problem: parsed.error.issues[0]?.message ?? 'the filter is not valid' };
  }
  const { limit: _limit, cursor: _cursor, ...filter } = parsed.data;
  return { ok: true, filter };
}
