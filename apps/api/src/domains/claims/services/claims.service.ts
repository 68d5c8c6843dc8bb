import {
  CLAIM_TRANSITIONS,
  type Claim,
  type ClaimTransition,
  type Clock,
  edmontonDate,
  edmontonDateString,
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
  ) => Pick<ClaimsRepo, 'insertMany' | 'findById' | 'updateIfInState' | 'delete'>;
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

    async get(providerId: string, id: string): Promise<Claim> {
      const claim = await scoped(providerId, (repo) => repo.findById(id));
      if (!claim) throw new NotFoundError('claim');
      return claim;
    },

    /** Moves a claim along the state machine, read and written in one unit of work. */
    async transition(
      providerId: string,
      id: string,
      request: z.output<typeof ClaimTransition>,
    ): Promise<Claim> {
      const { to, feeAssessed } = request;
      const updated = await scoped(providerId, async (repo) => {
        const claim = await repo.findById(id);
        if (!claim) throw new NotFoundError('claim');
        if (!CLAIM_TRANSITIONS[claim.state].includes(to)) {
          throw new InvalidTransitionError(claim.state, to);
        }
        const now = clock.now();
        const patch = transitionPatch(claim, to, feeAssessed, now);
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
