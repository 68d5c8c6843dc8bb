import type { EventBus } from '../../../lib/events';
import type { createKeptFigures } from '../services/kept-figures';

/**
 * After a sign-in commits, assemble the physician's dashboard views behind it: the page they
 * open next, however long since their last read, finds its figures kept.
 */
export function onSignedIn(
  events: Pick<EventBus, 'on'>,
  kept: Pick<ReturnType<typeof createKeptFigures>, 'signedIn'>,
): () => void {
  return events.on('auth.signedIn', ({ providerId }) => kept.signedIn(providerId));
}
