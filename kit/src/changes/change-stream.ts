import type { ChangeFeed } from './change-feed';

/** Notices a `noticeStream` holds for a slow consumer before it drops the oldest. */
export const NOTICE_STREAM_LIMIT = 100;

/**
 * The notifications of one topic as an async iterator, for a GraphQL `subscribe`
 * function: it yields once right away (a new or reconnecting subscriber gets the current
 * state first), then once per notification. Notifications that arrive while the consumer
 * is still busy with the last one collapse into one: the subscriber reloads the state
 * anyway, so only "something changed since" matters. Ending the iteration unsubscribes.
 */
export function changeStream(feed: ChangeFeed, topic: string): Promise<AsyncIterableIterator<void>> {
  let pending = true;
  return topicIterator<void>(feed, topic, {
    receive: () => {
      pending = true;
    },
    take: () => (pending ? ((pending = false), { value: undefined }) : undefined),
  });
}

/**
 * The messages of one topic as an async iterator, each once and in order (where
 * `changeStream` collapses them into "something changed"): for a topic whose every
 * message names a new thing (a notification's id), so that two arriving together are both
 * pushed. Nothing is yielded at the start. A consumer more than NOTICE_STREAM_LIMIT behind
 * loses the oldest (a notice may be lost anyway: the change feed is not the event backbone).
 */
export function noticeStream(feed: ChangeFeed, topic: string): Promise<AsyncIterableIterator<string>> {
  const queue: string[] = [];
  return topicIterator<string>(feed, topic, {
    receive: (message) => {
      queue.push(message);
      if (queue.length > NOTICE_STREAM_LIMIT) queue.shift();
    },
    take: () => (queue.length > 0 ? { value: queue.shift()! } : undefined),
  });
}

/**
 * One topic as an async iterator: `receive` keeps what a message means, `take` hands out
 * the next value once there is one. Ending the iteration (return or throw) unsubscribes.
 */
async function topicIterator<T>(
  feed: ChangeFeed,
  topic: string,
  buffer: { receive(message: string): void; take(): { value: T } | undefined },
): Promise<AsyncIterableIterator<T>> {
  let wake: (() => void) | null = null;
  let done = false;
  const unsubscribe = await feed.subscribe(topic, (message) => {
    buffer.receive(message);
    wake?.();
  });
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      wake?.();
      await unsubscribe();
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const next = buffer.take();
        if (next) return { done: false, value: next.value };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
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
