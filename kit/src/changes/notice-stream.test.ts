import { InProcessChangeFeed } from './change-feed';
import { NOTICE_STREAM_LIMIT, noticeStream } from './change-stream';

/** noticeStream: every message once and in order (changeStream collapses them), bounded for a slow consumer. */
it('yields nothing at the start, then every message in order, and ends when returned', async () => {
  const feed = new InProcessChangeFeed();
  const stream = await noticeStream(feed, 'notifications:u1');
  await feed.publish('notifications:u2', 'other');
  for (const message of ['a', 'b', 'c']) await feed.publish('notifications:u1', message);
  const seen = [];
  for (let i = 0; i < 3; i += 1) seen.push((await stream.next()).value);
  expect(seen).toEqual(['a', 'b', 'c']);
  const waiting = stream.next();
  await stream.return!();
  expect(await waiting).toEqual({ done: true, value: undefined });
  await feed.publish('notifications:u1', 'late');
  expect(await stream.next()).toEqual({ done: true, value: undefined });
});

it('keeps the newest NOTICE_STREAM_LIMIT messages for a consumer that falls behind', async () => {
  const feed = new InProcessChangeFeed();
  const stream = await noticeStream(feed, 't');
  for (let i = 0; i < NOTICE_STREAM_LIMIT + 5; i += 1) await feed.publish('t', String(i));
  expect((await stream.next()).value).toBe('5');
  await stream.return!();
});
