import {
  type ClaimType,
  type Clock,
  DEFAULT_PERIOD,
  monthsBetween,
  previousPeriod,
  type ResolvedPeriod,
  resolvePeriod,
} from '@meritum/shared';
import type { DashboardRead, DashboardRepo } from '../repos/dashboard.repo';
import type { FiguresSpan } from '../repos/dashboard-figures.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import { dashboardFigures } from './dashboard-breakdowns';

export type Figures = ReturnType<typeof dashboardFigures>;

/**
 * What a dashboard request covers: the key its figures are kept under, the range of its rows,
 * its months and the period before it.
 */
export interface Span {
  key: FiguresSpan;
  range: Parameters<DashboardRepo['read']>[0];
  months: readonly string[];
  previous: ResolvedPeriod;
}

/** A span's figures, with the freshness they were read with, and whether this read summed them. */
export interface Opened {
  status: FreshnessStatus;
  figures: Figures;
  assembled: boolean;
}

/** The claim type of figures that cover every claim type. */
const ALL_TYPES = 'all';

export function spanOf(period: ResolvedPeriod, claimType: ClaimType | undefined): Span {
  const previous = previousPeriod(period);
  const { start, end } = period;
  return {
    key: { start, end, claimType: claimType ?? ALL_TYPES },
    range: { start, end, claimType, previous },
    months: monthsBetween(start, end),
    previous,
  };
}

/** The span a kept key names (its claim type one the API wrote). */
export const spanOfKey = (key: FiguresSpan): Span =>
  spanOf(key, key.claimType === ALL_TYPES ? undefined : (key.claimType as ClaimType));

/** What the page opens on today: DEFAULT_PERIOD, every claim type. */
export const openingSpan = (clock: Clock): Span =>
  spanOf(resolvePeriod(DEFAULT_PERIOD, clock), undefined);

export const sameSpan = (a: Span, b: Span) =>
  a.key.start === b.key.start && a.key.end === b.key.end && a.key.claimType === b.key.claimType;

/** The span's figures, summed from the rows read, with the freshness they were read with. */
export function summed(span: Span, read: DashboardRead): Opened {
  const figures = dashboardFigures({
    ...read,
    outstandingAsOf: read.status.outstandingAsOf,
    months: span.months,
    previousPeriod: span.previous,
    claimType: span.range.claimType,
  });
  return { status: read.status, figures, assembled: true };
}
