import type { Logger } from 'pino';
import type { RefreshOutcome, RefreshService } from '../services/refresh.service';

export interface RefreshSchedulerOptions {
  /** The least time between the starts of two refreshes of one provider. */
  coalesceMs: number;
  /** Retries when another instance holds the provider's refresh lock. */
  busyRetries: number;
  logger: Pick<Logger, 'warn' | 'error'>;
}

interface Pending {
  again: boolean;
  done: Promise<void>;
}

/**
 * Turns bursts of "this provider changed" into a few refreshes. The first request refreshes
 * at once (a lone change shows after one refresh); requests arriving meanwhile cause one more
 * refresh, started no sooner than `coalesceMs` after the previous one: a burst costs at most one
 * refresh per window. Losing a request (a crash) loses nothing: the dirty months wait for the
 * next refresh.
 */
export class RefreshScheduler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly refresher: Pick<RefreshService, 'refreshProvider'>,
    private readonly options: RefreshSchedulerOptions,
  ) {}

  request(providerId: string): void {
    const current = this.pending.get(providerId);
    if (current) {
      current.again = true;
      return;
    }
    const entry: Pending = { again: false, done: Promise.resolve() };
    entry.done = this.drain(providerId, entry);
    this.pending.set(providerId, entry);
  }

  /** Resolves when every requested refresh has run (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.all([...this.pending.values()].map((p) => p.done));
    }
  }

  private async drain(providerId: string, entry: Pending): Promise<void> {
    try {
      let busyRetries = this.options.busyRetries;
      let lastStart = Number.NEGATIVE_INFINITY;
      do {
        entry.again = false;
        await sleep(lastStart + this.options.coalesceMs - Date.now());
        lastStart = Date.now();
        const outcome = await this.refresh(providerId);
        if (outcome?.status === 'busy' && busyRetries-- > 0) entry.again = true;
      } while (entry.again);
    } finally {
      this.pending.delete(providerId);
    }
  }

  private async refresh(providerId: string): Promise<RefreshOutcome | undefined> {
    try {
      // A refresh already running may have started before the commit that asked for this one.
      return await this.refresher.refreshProvider(providerId, { joinRunning: false });
    } catch (err) {
      // The dirty months remain: the next dashboard open or nightly run refreshes them.
      this.options.logger.error(
        { err, providerId },
        'analytics refresh after a claim change failed',
      );
      return undefined;
    }
  }
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
