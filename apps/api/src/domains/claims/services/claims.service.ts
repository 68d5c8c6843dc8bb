import {
  CLAIM_TRANSITIONS,
  type Claim,
  type ClaimDetailResponse,
  type ClaimListFilter,
  type ClaimListResponse,
  type ClaimTransition,
  type Clock,
  edmontonDate,
  edmontonDateString,
  encodeClaimCursor,
  firstOfMonth,
  type NewClaim,
  PAYMENT_STATES,
  toCents,
} from '@meritum/shared';
import type { z } from 'zod';
import type { Database } from '../../../db/client';
import { PG_FOREIGN_KEY_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import {
  InvalidTransitionError,
  NotFoundError,
  UnknownProviderError,
  ValidationError,
} from '../../../lib/errors';
import type { EventBus } from '../../../lib/events';
import type { ClaimPatch, ClaimsRepo } from '../repos/claims.repo';

export interface ClaimsServiceDeps {
  db: Database;
  claims: (
    tx: ProviderTx,
  ) => Pick<
    ClaimsRepo,
    'insertMany' | 'findById' | 'history' | 'page' | 'totals' | 'updateIfInState' | 'delete'
  >;
  events: Pick<EventBus, 'emit'>;
  clock: Clock;
}

export type ClaimsService = ReturnType<typeof createClaimsService>;

/**
 * Claims and their state machine. Each change commits in its own transaction, then tells the
 * analytics domain; the database triggers have already recorded it, so a lost event is a delay,
 * never a stale cache forever.
 */
export function createClaimsService({ db, claims, events, clock }: ClaimsServiceDeps) {
  const changed = (providerId: string) => events.emit('claims.changed', { providerId });
  const scoped = <T>(providerId: string, work: (repo: ReturnType<typeof claims>) => Promise<T>) =>
    withProviderScope(db, providerId, (tx) => work(claims(tx)));

  return {
    /** A new draft claim; its date of service must lie in the past ten years. */
    async create(providerId: string, claim: z.output<typeof NewClaim>): Promise<Claim> {
      assertServiceDate(claim.dateOfService, clock.now());
      const [created] = await scoped(providerId, (repo) =>
        repo.insertMany([{ ...claim, state: 'draft' }]),
      ).catch((error: unknown) => {
        if (postgresErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new UnknownProviderError();
        throw error;
      });
      changed(providerId);
      return created as Claim;
    },

    /** A claim with its history, read in one unit of work. */
    async get(providerId: string, id: string): Promise<ClaimDetailResponse> {
      const detail = await scoped(providerId, async (repo) => {
        const claim = await repo.findById(id);
        return claim && { ...claim, history: await repo.history(id) };
      });
      if (!detail) throw new NotFoundError('claim');
      return {
        ...detail,
        history: detail.history.map(({ providerId: _, claimId: __, seq: ___, ...event }) => event),
      };
    },

    /**
     * The claims behind a figure: one page, and the totals of the whole selection, both from
     * one snapshot. Outstanding buckets age to today in Edmonton.
     */
    async list(providerId: string, filter: ClaimListFilter): Promise<ClaimListResponse> {
      const { limit, cursor, ...rest } = filter;
      const selection = { ...rest, today: edmontonDateString(clock.now()) };
      const { rows, totals } = await withProviderScope(
        db,
        providerId,
        async (tx) => {
          const repo = claims(tx);
          return {
            rows: await repo.page(selection, limit + 1, cursor),
            totals: await repo.totals(selection),
          };
        },
        { isolation: 'repeatable read', readOnly: true },
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        claims: page,
        totals,
        nextCursor: rows.length > limit && last ? encodeClaimCursor(last) : null,
      };
    },

    /** Moves a claim along the state machine, read and written in one unit of work. */
    async transition(
      providerId: string,
      id: string,
      request: z.output<typeof ClaimTransition>,
    ): Promise<Claim> {
      const { to, feeAssessed, explanatoryCodes } = request;
      const updated = await scoped(providerId, async (repo) => {
        const claim = await repo.findById(id);
        if (!claim) throw new NotFoundError('claim');
        if (!CLAIM_TRANSITIONS[claim.state].includes(to)) {
          throw new InvalidTransitionError(claim.state, to);
        }
        const now = clock.now();
        const patch = transitionPatch(claim, to, feeAssessed, now);
        // The assessment's codes, checked for presence at the boundary; a resubmission clears them.
        if (explanatoryCodes) patch.explanatoryCodes = explanatoryCodes;
        if (to === 'submitted') patch.explanatoryCodes = [];
        const moved = await repo.updateIfInState(id, claim.state, patch, now);
        if (!moved) {
          throw new InvalidTransitionError(
            claim.state,
            to,
            `the claim is no longer ${claim.state}: another change came first`,
          );
        }
        return moved;
      });
      changed(providerId);
      return updated;
    },

    async remove(providerId: string, id: string): Promise<void> {
      if (!(await scoped(providerId, (repo) => repo.delete(id)))) throw new NotFoundError('claim');
      changed(providerId);
    },
  };
}

/** How far back a date of service may lie: ten years, as far as a physician keeps records. */
export const SERVICE_DATE_YEARS_BACK = 10;

/**
 * A date of service lies in the past (today in Edmonton at the latest) and no earlier than the
 * first of the month ten years ago: a claim dated 2999, or 1900, is a typing error, and one
 * that no period, statement or refresh should have to carry.
 */
function assertServiceDate(dateOfService: string, now: Date): void {
  const today = edmontonDate(now);
  const earliest = firstOfMonth(today.year - SERVICE_DATE_YEARS_BACK, today.month);
  const latest = edmontonDateString(now);
  if (dateOfService >= earliest && dateOfService <= latest) return;
  const message =
    dateOfService > latest
      ? `dateOfService lies in the future: the latest is today, ${latest}`
      : `dateOfService lies more than ${SERVICE_DATE_YEARS_BACK} years back: the earliest is ${earliest}`;
  throw new ValidationError(`invalid claim: ${message}`, [{ path: 'dateOfService', message }]);
}

/** What a transition writes besides the state, by the rules of design section 6. */
function transitionPatch(
  claim: Claim,
  to: Claim['state'],
  feeAssessed: string | undefined,
  at: Date,
): ClaimPatch {
  const isPayment = PAYMENT_STATES.includes(to);
  if (feeAssessed !== undefined && !isPayment) {
    throw new ValidationError(`feeAssessed is only given when a claim is paid or adjusted`);
  }
  switch (to) {
    case 'submitted':
      return { state: to, submittedAt: at, assessedAt: null };
    case 'rejected':
      return { state: to, assessedAt: at };
    case 'paid':
    case 'adjusted': {
      const fee = feeAssessed ?? (to === 'paid' ? claim.feeSubmitted : undefined);
      if (fee === undefined) throw new ValidationError('an adjusted claim needs feeAssessed');
      const sameAmount = toCents(fee) === toCents(claim.feeSubmitted);
      if (to === 'paid' && !sameAmount) {
        throw new InvalidTransitionError(
          claim.state,
          to,
          'a payment of another amount is an adjustment',
        );
      }
      if (to === 'adjusted' && sameAmount) {
        throw new InvalidTransitionError(
          claim.state,
          to,
          'an adjustment pays another amount than submitted',
        );
      }
      return { state: to, feeAssessed: fee, assessedAt: at, paidAt: at };
    }
    default:
      return { state: to };
  }
}
