import {
  CLAIM_TRANSITIONS,
  type Claim,
  ClaimTransition,
  type Clock,
  edmontonDate,
  edmontonDateString,
  firstOfMonth,
  NewClaim,
  PAYMENT_STATES,
  toCents,
} from '@meritum/shared';
import { PG_FOREIGN_KEY_VIOLATION, postgresErrorCode } from '../../../db/postgres-errors';
import { assertProviderId } from '../../../db/provider-scope';
import {
  InvalidTransitionError,
  NotFoundError,
  UnknownProviderError,
  ValidationError,
} from '../../../lib/errors';
import type { EventBus } from '../../../lib/events';
import { parseOrThrow } from '../../../lib/validate';
import type { ClaimPatch, ClaimsRepo } from '../repos/claims.repo';

export interface ClaimsServiceDeps {
  claims: Pick<ClaimsRepo, 'insertMany' | 'findById' | 'updateIfInState' | 'delete'>;
  events: Pick<EventBus, 'emit'>;
  clock: Clock;
}

export type ClaimsService = ReturnType<typeof createClaimsService>;

/**
 * Claims and their state machine. Each change commits in its own transaction, then tells the
 * analytics domain; the database triggers have already recorded it, so a lost event is a delay,
 * never a stale cache forever.
 */
export function createClaimsService({ claims, events, clock }: ClaimsServiceDeps) {
  const changed = (providerId: string) => events.emit('claims.changed', { providerId });

  return {
    async create(providerId: string, input: unknown): Promise<Claim> {
      assertProviderId(providerId);
      const claim = parseOrThrow(NewClaim, input, 'claim');
      assertServiceDate(claim.dateOfService, clock.now());
      const [created] = await claims
        .insertMany(providerId, [{ ...claim, state: 'draft' }])
        .catch((error: unknown) => {
          if (postgresErrorCode(error) === PG_FOREIGN_KEY_VIOLATION)
            throw new UnknownProviderError();
          throw error;
        });
      changed(providerId);
      return created as Claim;
    },

    async get(providerId: string, id: string): Promise<Claim> {
      assertProviderId(providerId);
      const claim = await claims.findById(providerId, id);
      if (!claim) throw new NotFoundError('claim');
      return claim;
    },

    async transition(providerId: string, id: string, input: unknown): Promise<Claim> {
      assertProviderId(providerId);
      const { to, feeAssessed } = parseOrThrow(ClaimTransition, input, 'transition');
      const claim = await this.get(providerId, id);
      if (!CLAIM_TRANSITIONS[claim.state].includes(to)) {
        throw new InvalidTransitionError(claim.state, to);
      }
      const patch = transitionPatch(claim, to, feeAssessed, clock.now());
      const updated = await claims.updateIfInState(providerId, id, claim.state, patch, clock.now());
      if (!updated) {
        throw new InvalidTransitionError(
          claim.state,
          to,
          `the claim is no longer ${claim.state}: another change came first`,
        );
      }
      changed(providerId);
      return updated;
    },

    async remove(providerId: string, id: string): Promise<void> {
      assertProviderId(providerId);
      if (!(await claims.delete(providerId, id))) throw new NotFoundError('claim');
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
