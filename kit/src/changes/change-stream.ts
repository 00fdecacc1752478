import type { ChangeFeed } from './change-feed';

/**
 * The notifications of one topic as an async iterator, for a GraphQL `subscribe`
 * function: it yields once right away (a new or reconnecting subscriber gets the current
 * state first), then once per notification. Notifications that arrive while the consumer
 * is still busy with the last one collapse into one: the subscriber reloads the state
 * anyway, so only "something changed since" matters. Ending the iteration unsubscribes.
 */
export async function changeStream(feed: ChangeFeed, topic: string): Promise<AsyncIterableIterator<void>> {
  let pending = true;
  let wake: (() => void) | null = null;
  let done = false;
  const unsubscribe = await feed.subscribe(topic, () => {
    pending = true;
    wake?.();
  });
  const finish = async (): Promise<IteratorResult<void>> => {
    if (!done) {
      done = true;
      wake?.();
      await unsubscribe();
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<void> = {
    async next() {
      while (!pending && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (done) return { done: true, value: undefined };
      pending = false;
      return { done: false, value: undefined };
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
