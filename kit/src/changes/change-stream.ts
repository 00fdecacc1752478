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

/** Notices a `noticeStream` holds for a slow consumer before it drops the oldest. */
export const NOTICE_STREAM_LIMIT = 100;

/**
 * The messages of one topic as an async iterator, each once and in order (where
 * `changeStream` collapses them into "something changed"): for a topic whose every
 * message names a new thing (a notification's id), so that two arriving together are both
 * pushed. Nothing is yielded at the start. A consumer more than NOTICE_STREAM_LIMIT behind
 * loses the oldest (a notice may be lost anyway: the change feed is not the event backbone).
 */
export async function noticeStream(feed: ChangeFeed, topic: string): Promise<AsyncIterableIterator<string>> {
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const unsubscribe = await feed.subscribe(topic, (message) => {
    queue.push(message);
    if (queue.length > NOTICE_STREAM_LIMIT) queue.shift();
    wake?.();
  });
  const finish = async (): Promise<IteratorResult<string>> => {
    if (!done) {
      done = true;
      wake?.();
      await unsubscribe();
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<string> = {
    async next() {
      while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (done) return { done: true, value: undefined };
      return { done: false, value: queue.shift()! };
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
