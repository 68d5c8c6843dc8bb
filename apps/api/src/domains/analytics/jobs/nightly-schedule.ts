import { BUSINESS_TIME_ZONE } from '@meritum/shared';
import { Cron } from 'croner';
import type { Logger } from 'pino';

/** 02:30 every day, Edmonton time. */
export const DEFAULT_NIGHTLY_CRON = '30 2 * * *';

/**
 * Runs `job` on a cron pattern in Edmonton time. `protect` keeps one run per process at a time;
 * the job's advisory lock keeps one across instances.
 */
export function scheduleNightly(
  job: () => Promise<unknown>,
  logger: Pick<Logger, 'error'>,
  pattern = DEFAULT_NIGHTLY_CRON,
): Cron {
  return new Cron(pattern, { timezone: BUSINESS_TIME_ZONE, protect: true }, async () => {
    try {
      await job();
    } catch (err) {
      logger.error({ err }, 'nightly analytics refresh failed');
    }
  });
}
