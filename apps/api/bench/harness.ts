import { systemClock } from '@meritum/shared';
import type pg from 'pg';
import pino from 'pino';
import type { Database } from '../src/db/client';
import { createAnalytics } from '../src/domains/analytics/analytics.module';
import { EventBus } from '../src/lib/events';

/** The analytics domain as the server wires it, on the system clock, logging nothing. */
export function quietAnalytics(db: Database) {
  return createAnalytics({
    db,
    events: new EventBus(),
    clock: systemClock,
    logger: pino({ level: 'silent' }),
  });
}

export type BenchSize = 'small' | 'large';

export interface BenchContext {
  size: BenchSize;
  /** The application's view (meritum_app, row-level security applies). */
  db: Database;
  /** The pool behind `db`. */
  pool: pg.Pool;
  /** The owner's connection pool, for set-up and baselines. */
  admin: pg.Pool;
  /** As meritum_jobs, for the nightly job's listing. */
  jobsDb: Database;
  /**
   * The run's database as its application login, for a benchmark that needs application pools
   * of its own (createAppPool); `admin` is the owner.
   */
  url: string;
  log: (message: string) => void;
}

/** One row of a benchmark's table: what was measured, beside its baseline. */
export interface Measurement {
  label: string;
  figures: Record<string, string | number>;
}

export interface BenchResult {
  id: string;
  title: string;
  /** What the comparison means, in a sentence or two, printed above the table. */
  description: string;
  measurements: Measurement[];
  /** The headline: ours divided by the baseline (higher is better for throughput). */
  ratio: { label: string; value: number; goal?: number };
  /** Absolute goals, each with the measured value and whether it was met. */
  goals?: Array<{ goal: string; measured: string; met: boolean }>;
  notes?: string[];
}

export interface Benchmark {
  id: string;
  run: (ctx: BenchContext) => Promise<BenchResult>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

export const round = (value: number, digits = 0) => Number(value.toFixed(digits));

/** The value at a percentile (0-100) of a sample, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Samples the process's resident memory while `work` runs; returns the peak in MiB. */
export async function withPeakRss<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRssMiB: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}
