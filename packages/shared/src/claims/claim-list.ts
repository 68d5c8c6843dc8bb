import { z } from 'zod';
import { MoneyString } from '../analytics/dashboard';
import { IsoDate } from '../validation/primitives';
import { ClaimResponse, ClaimState, ClaimType, ExplanatoryCode, HealthServiceCode } from './claim';
import { OUTSTANDING_BUCKETS } from './outstanding';

/** The explanatoryCode filter's word for refused claims that carry no code. */
export const NO_EXPLANATORY_CODE = 'none';

export const CLAIM_LIST_MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

/** Where a page ends: the last claim's date of service and id, the list's order. */
export interface ClaimCursor {
  dateOfService: string;
  id: string;
}

// btoa and atob, not Buffer: this module goes to the browser too. The text is ASCII.
export function encodeClaimCursor(cursor: ClaimCursor): string {
  const text = btoa(JSON.stringify([cursor.dateOfService, cursor.id]));
  return text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function decodeCursorText(cursor: string): unknown {
  return JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
}

const CursorPair = z.tuple([IsoDate, z.uuid()]);
const CURSOR_MESSAGE = 'cursor is not one this API answered with: pass nextCursor as it came';

const Cursor = z
  .string()
  .max(200, CURSOR_MESSAGE)
  .transform((text, ctx): ClaimCursor => {
    try {
      const [dateOfService, id] = CursorPair.parse(decodeCursorText(text));
      return { dateOfService, id: id.toLowerCase() };
    } catch {
      ctx.addIssue({ code: 'custom', message: CURSOR_MESSAGE });
      return z.NEVER;
    }
  });

/** A query parameter that may be repeated (`state=a&state=b`) arrives as one string or many. */
const States = z
  .union([ClaimState, z.array(ClaimState).min(1).max(6)])
  .transform((s) => [...new Set(Array.isArray(s) ? s : [s])]);

/**
 * GET /claims: the filters a figure implies. Dates are inclusive; `paidFrom`/`paidTo` are
 * Edmonton payment dates; `outstanding` is an age bucket as of today in Edmonton.
 */
export const ClaimListQuery = z
  .strictObject({
    serviceFrom: IsoDate.optional(),
    serviceTo: IsoDate.optional(),
    paidFrom: IsoDate.optional(),
    paidTo: IsoDate.optional(),
    claimType: ClaimType.optional(),
    state: States.optional(),
    healthServiceCode: HealthServiceCode.optional(),
    explanatoryCode: z
      .union([ExplanatoryCode, z.literal(NO_EXPLANATORY_CODE)], {
        error: `explanatoryCode is 1 to 6 upper-case letters and digits, or ${NO_EXPLANATORY_CODE}`,
      })
      .optional(),
    outstanding: z
      .enum(OUTSTANDING_BUCKETS, {
        error: `outstanding is one of ${OUTSTANDING_BUCKETS.join(', ')}`,
      })
      .optional(),
    limit: z.coerce
      .number({ error: `limit is a whole number from 1 to ${CLAIM_LIST_MAX_LIMIT}` })
      .int(`limit is a whole number from 1 to ${CLAIM_LIST_MAX_LIMIT}`)
      .min(1, `limit is a whole number from 1 to ${CLAIM_LIST_MAX_LIMIT}`)
      .max(CLAIM_LIST_MAX_LIMIT, `limit is a whole number from 1 to ${CLAIM_LIST_MAX_LIMIT}`)
      .default(DEFAULT_LIMIT),
    cursor: Cursor.optional(),
  })
  .refine((q) => !q.serviceFrom || !q.serviceTo || q.serviceFrom <= q.serviceTo, {
    message: 'serviceFrom must not be after serviceTo',
    path: ['serviceTo'],
  })
  .refine((q) => !q.paidFrom || !q.paidTo || q.paidFrom <= q.paidTo, {
    message: 'paidFrom must not be after paidTo',
    path: ['paidTo'],
  });
export type ClaimListQuery = z.input<typeof ClaimListQuery>;
export type ClaimListFilter = z.output<typeof ClaimListQuery>;

/** Totals of the whole filtered set, not of the page: they equal the figure it came from. */
export const ClaimListTotals = z.object({
  count: z.number().int().nonnegative(),
  feeSubmitted: MoneyString,
  feeAssessed: MoneyString,
});
export type ClaimListTotals = z.infer<typeof ClaimListTotals>;

export const ClaimListResponse = z.object({
  claims: z.array(ClaimResponse),
  totals: ClaimListTotals,
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
export type ClaimListResponse = z.output<typeof ClaimListResponse>;
