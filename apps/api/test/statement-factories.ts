import type { PeriodFigures } from '@meritum/shared';
import type { NewStatement } from '../src/domains/analytics/repos/statement.repo';
import { statementSha256 } from '../src/domains/analytics/services/statement-content';

const METRICS = {
  claimsCount: 2,
  billedAmount: '170.00',
  paidAmount: '85.00',
  paidCount: 1,
  rejectedCount: 0,
  assessedCount: 1,
  pendingAmount: '85.00',
  rejectionRate: '0.0000',
  avgDaysToPayment: '12.0000',
};

/** Figures of a one-month period: two claims of one code, one paid. */
export function figures(month = '2026-03-01'): PeriodFigures {
  return {
    metrics: METRICS,
    monthly: [{ month, ...METRICS }],
    topHealthServiceCodes: [
      { healthServiceCode: '03.03A', claimsCount: 2, billedAmount: '170.00' },
    ],
  };
}

/** A statement to save, hashed as the service hashes it: March 2026, all claims, version 1. */
export function newStatement(
  providerId: string,
  overrides: Partial<NewStatement> = {},
): NewStatement {
  const content = {
    providerId,
    periodStart: '2026-03-01',
    periodEnd: '2026-03-31',
    claimType: 'all' as const,
    figures: figures(),
    dataVersion: '1',
    claimsCount: 2,
    generatedAt: new Date('2026-04-02T15:00:00Z'),
    ...overrides,
  };
  return { contentSha256: statementSha256(content), ...content, ...overrides };
}
