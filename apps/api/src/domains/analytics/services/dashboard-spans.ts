import {
  CLAIM_TYPES,
  type ClaimType,
  type Clock,
  monthsBetween,
  PERIOD_OPTIONS,
  previousPeriod,
  type ResolvedPeriod,
  resolvePeriod,
} from '@meritum/shared';
import type { DashboardRead, DashboardRepo, DashboardWindow } from '../repos/dashboard.repo';
import type { FiguresSpan } from '../repos/dashboard-figures.repo';
import type { FreshnessStatus } from '../repos/freshness.repo';
import { dashboardFigures } from './dashboard-breakdowns';
import { isTotalOf } from './dashboard-figures';

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

/**
 * The views the page offers today: each period option but a custom one, for every claim type
 * and for each; 15, or 12 where two options are one span (the year to date is this month in
 * January, this quarter in March, the last 12 months in December).
 */
export function standardSpans(clock: Clock): Span[] {
  const spans: Span[] = [];
  for (const option of PERIOD_OPTIONS) {
    if (option === 'custom') continue;
    const period = resolvePeriod(option, clock);
    for (const claimType of [undefined, ...CLAIM_TYPES]) {
      const span = spanOf(period, claimType);
      if (!spans.some((s) => sameKey(s.key, span.key))) spans.push(span);
    }
  }
  return spans;
}

/** The months a window of rows covers (DashboardRepo.readWindow). */
export type WindowRange = { start: string; codesFrom: string; end: string };

/**
 * The months that hold every row of these spans and the totals of the periods before them:
 * from the earliest such period, with the rows by code and by reason from the earliest span.
 */
export function windowOf(spans: readonly Span[]): WindowRange {
  const earliest = (dates: string[]) => dates.sort()[0] as string;
  return {
    start: earliest(spans.map((s) => s.previous.start)),
    codesFrom: earliest(spans.map((s) => s.key.start)),
    end: spans
      .map((s) => s.key.end)
      .sort()
      .at(-1) as string,
  };
}

/** Whether a window of these months holds every row the span reads. */
export const covers = (window: WindowRange, span: Span) =>
  span.previous.start >= window.start &&
  span.key.start >= window.codesFrom &&
  span.key.end <= window.end;

/**
 * A span's share of a window's rows (windowOf), as DashboardRepo.read would have read it: the
 * period's rows month by month (the figures sum codes and reasons over the period, and take
 * the claim type's own rows), the previous period's totals, and the outstanding rows.
 */
export function readFromWindow(span: Span, window: DashboardWindow): DashboardRead {
  const months = new Set(span.months);
  const before = new Set(monthsBetween(span.previous.start, span.previous.end));
  const { claimType } = span.range;
  return {
    status: window.status,
    rows: window.rows.filter((r) => months.has(r.periodStart)),
    previous: window.rows.filter(
      (r) => before.has(r.periodStart) && isTotalOf(r.dimensions, claimType),
    ),
    outstanding: window.outstanding,
    missingMonths: [],
  };
}

/** Whether two keys name the same figures. */
export const sameKey = (a: FiguresSpan, b: FiguresSpan) =>
  a.start === b.start && a.end === b.end && a.claimType === b.claimType;

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
