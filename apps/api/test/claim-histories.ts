import { formatCents, toCents } from '@meritum/shared';
import fc from 'fast-check';

/** One claim's life: what it bills, and the transitions it goes through, each at an instant. */
export interface ClaimHistory {
  claimType: 'AHCIP' | 'WCB';
  healthServiceCode: string;
  dateOfService: string;
  feeSubmitted: string;
  steps: Array<{ to: string; at: Date; feeAssessed?: string; explanatoryCodes?: string[] }>;
}

const CODES = ['03.03A', '03.04A', '08.19A', '13.99J'];
/** Explanatory codes: some in the project's table, some not, one a WCB-style code. */
const REASONS = ['01', '05A', '21', '32', 'H40', 'W7'];
const PATHS = [
  [],
  ['submitted'],
  ['submitted', 'paid'],
  ['submitted', 'adjusted'],
  ['submitted', 'rejected'],
  ['submitted', 'rejected', 'written_off'],
  ['submitted', 'rejected', 'submitted', 'paid'],
] as const;

const amount = (min: number, max: number) =>
  fc.integer({ min, max }).map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);

/**
 * Claims of the first half of 2026, with transitions at instants spread from then to the end
 * of September, biased towards the hours around Edmonton midnight, where UTC and local dates
 * differ. None falls after 1 November 2026, where time-zone data before and after tz 2026c
 * disagree on Edmonton's offset (docs/decisions.md): the references computed in Node and the
 * figures computed by PostgreSQL would then differ by which data each runs on, not by a bug.
 */
export const claimHistory: fc.Arbitrary<ClaimHistory> = fc
  .record({
    claimType: fc.constantFrom('AHCIP' as const, 'WCB' as const),
    healthServiceCode: fc.constantFrom(...CODES),
    day: fc.integer({ min: 0, max: 150 }),
    fee: amount(0, 60_000),
    adjustedFee: amount(0, 60_000),
    path: fc.constantFrom(...PATHS),
    gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }),
    hour: fc.constantFrom(5, 6, 7, 12, 18),
    reasons: fc.uniqueArray(fc.constantFrom(...REASONS), { minLength: 1, maxLength: 3 }),
  })
  .map(({ claimType, healthServiceCode, day, fee, adjustedFee, path, gaps, hour, reasons }) => {
    const serviceDay = new Date(Date.UTC(2026, 0, 1 + day));
    let at = Date.UTC(2026, 0, 1 + day, hour, 30);
    const steps = path.map((to, i) => {
      at += (gaps[i] ?? 0) * 86_400_000;
      const step: ClaimHistory['steps'][number] = { to, at: new Date(at) };
      // An adjustment pays another amount than billed: one cent more when the two coincide.
      if (to === 'adjusted') {
        step.feeAssessed = adjustedFee === fee ? formatCents(toCents(fee) + 1n) : adjustedFee;
      }
      if (to === 'adjusted' || to === 'rejected') step.explanatoryCodes = reasons;
      return step;
    });
    return {
      claimType,
      healthServiceCode,
      dateOfService: serviceDay.toISOString().slice(0, 10),
      feeSubmitted: fee,
      steps,
    };
  });

/** Plays histories through the claims service, moving its clock to each step's instant. */
export async function playHistories(
  service: {
    create(providerId: string, input: unknown): Promise<{ id: string }>;
    transition(providerId: string, id: string, input: unknown): Promise<unknown>;
  },
  clock: { set(at: Date): void },
  providerId: string,
  histories: readonly ClaimHistory[],
): Promise<void> {
  for (const { steps, ...claim } of histories) {
    clock.set(new Date(`${claim.dateOfService}T15:00:00Z`));
    const { id } = await service.create(providerId, claim);
    for (const { at, ...step } of steps) {
      clock.set(at);
      await service.transition(providerId, id, step);
    }
  }
}
