import { hashKey, type QueryFunctionContext } from '@tanstack/react-query';
import type { ReadInit } from './api';

/** How many answers a query has had: every read that settled, with figures or with an error. */
export interface AnswerCounts {
  dataUpdateCount: number;
  errorUpdateCount: number;
}

const answersOf = (state: AnswerCounts | undefined) =>
  state ? state.dataUpdateCount + state.errorUpdateCount : 0;

/**
 * Tells, for one component's query, the reads the physician asked for from those the page sends
 * on its own. The physician asks by opening the page, by choosing what it shows (a period, a
 * statement: a new query key) and by pressing Try again; each of those reads is theirs. Once
 * that key has had an answer, whatever reads it next without a new ask is the page's own:
 * polling, refetch on focus or reconnect, a refetch after a change the physician made (whose
 * own request already counted). The API does not count those as activity, so a page left open
 * still reaches the idle timeout.
 *
 * react-query does not tell a query function why it runs, so the query's own answer count
 * decides: a read is the physician's while the key has had no answer since they asked. A key
 * shown with figures still fresh in the cache is not read at all; its ask is answered already.
 */
export class ReadOrigin {
  #key: string | null = null;
  /** The key's answer count when the physician asked; null when no ask awaits a read. */
  #askedAt: number | null = null;

  /**
   * Called on every render with the key shown, its query's state, and whether its cached
   * figures are fresh (react-query then reads nothing): a key this component did not show on
   * its last render is a new ask (the first render, or a new choice).
   */
  show(key: string, state: AnswerCounts | undefined, fresh = false): void {
    if (key === this.#key) return;
    this.#key = key;
    this.#askedAt = fresh ? null : answersOf(state);
  }

  /** The physician asked to read the key shown again (Try again). */
  askAgain(state: AnswerCounts | undefined): void {
    this.#askedAt = answersOf(state);
  }

  /**
   * For the query function: true when this read of `key` is the page's own. A key no longer
   * shown is not the physician's either (a query left in the cache read again after a change).
   */
  isBackground(key: string, state: AnswerCounts | undefined): boolean {
    return key !== this.#key || this.#askedAt === null || answersOf(state) > this.#askedAt;
  }
}

/**
 * The query function of an API read: each request is sent as the physician's or as the page's
 * own, as `origin` says at the moment react-query runs it.
 */
export function readFor<T>(origin: ReadOrigin, read: (init: ReadInit) => Promise<T>) {
  return ({ signal, queryKey, client }: QueryFunctionContext): Promise<T> => {
    const key = hashKey(queryKey);
    return read({
      signal,
      background: origin.isBackground(key, client.getQueryCache().get(key)?.state),
    });
  };
}
