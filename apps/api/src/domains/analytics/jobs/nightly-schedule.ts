import { BUSINESS_TIME_ZONE } from '@meritum/shared';
import { Cron } from 'croner';
import type { Logger } from 'pino';

/** 02:30 every day, Edmonton time. */
export const DEFAULT_NIGHTLY_CRON = '30 2 * * *';

export interface NightlySchedule {
  nextRun(): Date | null;
  /** Stops the schedule and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `job` on a cron pattern in Edmonton time. `protect` keeps one run per process at a time;
 * the job's advisory lock keeps one across instances.
 */
export function scheduleNightly(
  job: () => Promise<unknown>,
  logger: Pick<Logger, 'error'>,
  pattern = DEFAULT_NIGHTLY_CRON,
): NightlySchedule {
  let running: Promise<unknown> = Promise.resolve();
  const cron = new Cron(pattern, { timezone: BUSINESS_TIME_ZONE, protect: true }, async () => {
    running = job().catch((err: unknown) =>
      logger.error({ err }, 'nightly analytics refresh failed'),
    );
    await running;
  });
  return {
    nextRun: () => cron.nextRun(),
    async stop() {
      cron.stop();
      await running;
    },
  };
}
