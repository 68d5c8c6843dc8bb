import { z } from 'zod';
import { Instant } from '../validation/primitives';

export const CLAIM_TYPES = ['AHCIP', 'WCB'] as const;
export const ClaimType = z.enum(CLAIM_TYPES);
export type ClaimType = z.infer<typeof ClaimType>;

export const CLAIM_STATES = [
  'draft',
  'submitted',
  'paid',
  'adjusted',
  'rejected',
  'written_off',
] as const;
export const ClaimState = z.enum(CLAIM_STATES);
export type ClaimState = z.infer<typeof ClaimState>;

/** The claim state machine: every transition a claim may take. Anything else is refused. */
export const CLAIM_TRANSITIONS: Readonly<Record<ClaimState, readonly ClaimState[]>> = {
  draft: ['submitted'],
  submitted: ['paid', 'adjusted', 'rejected'],
  rejected: ['submitted', 'written_off'],
  paid: [],
  adjusted: [],
  written_off: [],
};

/** States whose transition sets fee_assessed, assessed_at and paid_at. */
export const PAYMENT_STATES: readonly ClaimState[] = ['paid', 'adjusted'];

const MONEY_MESSAGE =
  'amounts are non-negative, with at most 10 digits and 2 decimals, such as 85.50';

/**
 * Money: a non-negative amount with at most two decimals and ten integer digits (numeric(12,2)).
 * Strings keep it exact; a number is accepted only if its decimal form already is.
 */
export const MoneyAmount = z
  // The union's own message, or null, true and 1e309 (Infinity) would get a bare "Invalid input".
  .union([z.string(), z.number().transform((n) => String(n))], { error: MONEY_MESSAGE })
  .pipe(z.string().regex(/^(0|[1-9]\d{0,9})(\.\d{1,2})?$/, MONEY_MESSAGE));

/** An Alberta health service code such as 03.03A, or a WCB code: short, printable, no spaces. */
export const HealthServiceCode = z
  .string()
  .regex(/^[0-9A-Z][0-9A-Z.]{0,9}$/, 'health service codes are 1-10 letters, digits or dots');

/** POST /claims: a new claim, created in state draft. */
export const NewClaim = z.strictObject({
  claimType: ClaimType,
  healthServiceCode: HealthServiceCode,
  /** In the past ten years up to today in Edmonton: the claims service checks it by its clock. */
  dateOfService: z.iso.date({ message: 'dateOfService is a calendar date written YYYY-MM-DD' }),
  feeSubmitted: MoneyAmount,
});
export type NewClaim = z.input<typeof NewClaim>;

/** States an assessment explains: a transition to one of them carries explanatory codes. */
export const EXPLAINED_STATES: readonly ClaimState[] = ['rejected', 'adjusted'];

/**
 * A code from the assessment that explains a refusal or an adjustment: Alberta Health's
 * explanatory codes, or WCB's own. Shape only: 1 to 6 upper-case letters and digits.
 */
export const ExplanatoryCode = z
  .string()
  .regex(/^[0-9A-Z]{1,6}$/, 'explanatory codes are 1 to 6 upper-case letters and digits');

/** One to five codes, each once, as an assessment gives them. */
export const ExplanatoryCodes = z
  .array(ExplanatoryCode)
  .min(1, 'give one to five explanatory codes')
  .max(5, 'give one to five explanatory codes')
  .refine((codes) => new Set(codes).size === codes.length, 'each explanatory code is given once');

/**
 * POST /claims/:id/transitions: the state to move to, the amount paid when it is a payment, and
 * the assessment's explanatory codes when it refuses or adjusts.
 */
export const ClaimTransition = z
  .strictObject({
    to: ClaimState,
    feeAssessed: MoneyAmount.optional(),
    explanatoryCodes: ExplanatoryCodes.optional(),
  })
  .superRefine((t, ctx) => {
    const explained = EXPLAINED_STATES.includes(t.to);
    if (explained && t.explanatoryCodes === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['explanatoryCodes'],
        message: `a claim ${t.to} carries the assessment's explanatoryCodes (one to five)`,
      });
    }
    if (!explained && t.explanatoryCodes !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['explanatoryCodes'],
        message: 'explanatoryCodes go with a transition to rejected or adjusted only',
      });
    }
  });
export type ClaimTransition = z.input<typeof ClaimTransition>;

/** A claim as the API answers with it (POST /claims, GET /claims/:id, its transitions). */
export const ClaimResponse = z.object({
  id: z.uuid(),
  providerId: z.uuid(),
  claimType: ClaimType,
  healthServiceCode: z.string(),
  dateOfService: z.string(),
  /** Decimal strings, two places. */
  feeSubmitted: z.string(),
  feeAssessed: z.string().nullable(),
  state: ClaimState,
  /** The codes of the assessment that refused or adjusted it; empty otherwise. */
  explanatoryCodes: z.array(z.string()),
  submittedAt: Instant.nullable(),
  assessedAt: Instant.nullable(),
  paidAt: Instant.nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type ClaimResponse = z.output<typeof ClaimResponse>;

/** One change of a claim's state, as its history records it. */
export const ClaimEventResponse = z.object({
  /** Null for the claim's creation. */
  fromState: ClaimState.nullable(),
  toState: ClaimState,
  feeSubmitted: z.string(),
  feeAssessed: z.string().nullable(),
  explanatoryCodes: z.array(z.string()),
  occurredAt: Instant,
});
export type ClaimEventResponse = z.output<typeof ClaimEventResponse>;

/** GET /claims/:id: the claim and its history, oldest change first. */
export const ClaimDetailResponse = ClaimResponse.extend({
  history: z.array(ClaimEventResponse),
});
export type ClaimDetailResponse = z.output<typeof ClaimDetailResponse>;
