import {
  focusManager,
  hashKey,
  onlineManager,
  QueryClient,
  type QueryKey,
  QueryObserver,
} from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadOrigin, readFor } from './read-origin';

// react-query runs no refetchInterval where there is no `window` (a server): give it one, as a
// browser has, before it loads.
vi.hoisted(() => {
  Object.assign(globalThis, { window: globalThis });
});

const answers = (data: number, errors = 0) => ({ dataUpdateCount: data, errorUpdateCount: errors });

describe('ReadOrigin', () => {
  it('gives the physician the first read of a key shown, and the page every read after it', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);

    expect(origin.isBackground('a', undefined)).toBe(false);
    expect(origin.isBackground('a', answers(1))).toBe(true);
    expect(origin.isBackground('a', answers(5))).toBe(true);
  });

  it('counts a failed read as an answer, so a page stuck on an error does not keep a session alive', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);

    expect(origin.isBackground('a', answers(0, 1))).toBe(true);
  });

  it('gives the physician the first read of a cached key shown again, answered before', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);
    origin.show('b', answers(3));

    expect(origin.isBackground('b', answers(3))).toBe(false);
    expect(origin.isBackground('b', answers(4))).toBe(true);

    origin.show('a', answers(1));
    expect(origin.isBackground('a', answers(1))).toBe(false);
  });

  it('does not take a render of the same key for a new ask', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);
    origin.show('a', answers(1));

    expect(origin.isBackground('a', answers(1))).toBe(true);
  });

  it('leaves to the page every read of a key shown with fresh figures, which it did not read', () => {
    const origin = new ReadOrigin();
    origin.show('me', answers(1), true);

    expect(origin.isBackground('me', answers(1))).toBe(true);
  });

  it('gives the physician the read after Try again', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);
    origin.askAgain(answers(0, 2));

    expect(origin.isBackground('a', answers(0, 2))).toBe(false);
    expect(origin.isBackground('a', answers(1, 2))).toBe(true);
  });

  it('leaves to the page a read of a key no longer shown', () => {
    const origin = new ReadOrigin();
    origin.show('a', undefined);
    origin.show('b', undefined);

    expect(origin.isBackground('a', answers(1))).toBe(true);
  });
});

/**
 * The same, as react-query runs the reads: its own interval, focus and reconnect refetches. An
 * observer subscribing is a component mounting; `origin.show` is what its render does first.
 */
describe('readFor under react-query', () => {
  let client: QueryClient;
  let origin: ReadOrigin;
  /** Whether each read was sent as the page's own, in order. */
  let reads: boolean[];
  let failing: boolean;

  beforeEach(() => {
    vi.useFakeTimers();
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.mount();
    origin = new ReadOrigin();
    reads = [];
    failing = false;
  });

  afterEach(() => {
    client.unmount();
    client.clear();
    focusManager.setFocused(undefined);
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  const fetchFigures = async ({ background }: { background?: boolean | undefined }) => {
    reads.push(background ?? false);
    if (failing) throw new Error('the API is away');
    return 'figures';
  };

  /** A component showing `queryKey`: it renders (show), then mounts (subscribe). */
  function mount(queryKey: QueryKey, refetchInterval?: number, staleTime = 0) {
    const queryFn = readFor(origin, fetchFigures);
    const observer = new QueryObserver(client, { queryKey, queryFn, refetchInterval, staleTime });
    const cached = client.getQueryCache().get(hashKey(queryKey));
    origin.show(
      hashKey(queryKey),
      cached?.state,
      cached ? !cached.isStaleByTime(staleTime) : false,
    );
    const unsubscribe = observer.subscribe(() => {});
    return { observer, unsubscribe };
  }

  /** The component shows another key. */
  function choose(observer: QueryObserver<string>, queryKey: QueryKey) {
    origin.show(hashKey(queryKey), client.getQueryState(queryKey));
    observer.setOptions({ queryKey, queryFn: readFor(origin, fetchFigures) });
  }

  const settle = () => vi.advanceTimersByTimeAsync(10);

  it('sends the first read as the physician’s and the interval’s reads as the page’s own', async () => {
    mount(['dashboard', 'this_month'], 60_000);
    await settle();
    expect(reads).toEqual([false]);

    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(reads).toEqual([false, true, true]);
  });

  it('sends a refetch on window focus as the page’s own', async () => {
    mount(['dashboard', 'this_month']);
    await settle();

    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await settle();

    expect(reads).toEqual([false, true]);
  });

  it('sends a refetch on reconnect as the page’s own', async () => {
    mount(['dashboard', 'this_month']);
    await settle();

    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await settle();

    expect(reads).toEqual([false, true]);
  });

  it('sends a refetch after a change the physician made (an invalidation) as the page’s own', async () => {
    mount(['statements', 'list']);
    await settle();

    await client.invalidateQueries({ queryKey: ['statements'] });
    await settle();

    expect(reads).toEqual([false, true]);
  });

  it('sends the read of a period the physician chooses as theirs, cached or not', async () => {
    const { observer } = mount(['dashboard', 'this_month']);
    await settle();

    choose(observer, ['dashboard', 'last_month']);
    await settle();
    choose(observer, ['dashboard', 'this_month']); // cached, stale: read again
    await settle();

    expect(reads).toEqual([false, false, false]);
  });

  it('sends the read of a page opened again, its figures cached, as the physician’s', async () => {
    const first = mount(['dashboard', 'this_month']);
    await settle();
    first.unsubscribe();

    origin = new ReadOrigin(); // a new component
    mount(['dashboard', 'this_month']);
    await settle();

    expect(reads).toEqual([false, false]);
  });

  it('sends the first read of figures that were fresh when the page opened as the page’s own', async () => {
    client.setQueryData(['me'], 'signed in'); // as sign-in leaves it
    mount(['me'], undefined, 5 * 60_000);
    await settle();
    expect(reads).toEqual([]);

    await vi.advanceTimersByTimeAsync(5 * 60_000);
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await settle();

    expect(reads).toEqual([true]);
  });

  it('polls a failing read as the page’s own, and sends Try again as the physician’s', async () => {
    failing = true;
    const { observer } = mount(['statements', 'list'], 60_000);
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reads).toEqual([false, true]);

    origin.askAgain(client.getQueryState(['statements', 'list']));
    await observer.refetch();

    expect(reads).toEqual([false, true, false]);
  });
});
