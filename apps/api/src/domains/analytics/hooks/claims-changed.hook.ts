import type { EventBus } from '../../../lib/events';
import type { RefreshScheduler } from './refresh-scheduler';

/** After a claims transaction commits, refresh that provider's dirty months (coalesced). */
export function onClaimsChanged(
  events: Pick<EventBus, 'on'>,
  scheduler: Pick<RefreshScheduler, 'request'>,
): () => void {
  return events.on('claims.changed', ({ providerId }) => scheduler.request(providerId));
}
