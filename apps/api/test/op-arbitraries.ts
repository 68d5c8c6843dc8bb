import fc from 'fast-check';

/** Amounts from 0.01 to 999.99, as the API takes them. */
export const money = fc
  .integer({ min: 1, max: 99_999 })
  .map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);

export const claimType = fc.constantFrom('AHCIP' as const, 'WCB' as const);

/** A new claim: one of `codes` codes (by index), one of `dates`. */
export const createOp = (codes: number, dates: readonly string[]) =>
  fc.record({
    kind: fc.constant('create' as const),
    claimType,
    code: fc.integer({ min: 0, max: codes - 1 }),
    date: fc.constantFrom(...dates),
    fee: money,
  });

/** The fields of a transition step: which claim, and which move. */
export const transitionFields = {
  kind: fc.constant('transition' as const),
  claim: fc.nat(),
  // Mostly a move the state machine allows from the claim's state; sometimes one it refuses.
  allowed: fc.oneof(
    { weight: 4, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  choice: fc.nat(),
};

const REASONS = [['05'], ['21', 'W7'], ['32']];

/** What a transition to `to` sends: a payment of another amount, codes where the API asks. */
export function transitionBody<S extends string>(to: S, fee: string, choice: number) {
  const codes = REASONS[choice % REASONS.length] as string[];
  if (to === 'adjusted') {
    const cents = BigInt(fee.replace('.', '')) + 1n;
    const feeAssessed = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    return { to, feeAssessed, explanatoryCodes: codes };
  }
  return to === 'rejected' ? { to, explanatoryCodes: codes } : { to };
}
