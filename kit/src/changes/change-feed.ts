import { EventEmitter } from 'node:events';
import Redis from 'ioredis';
import type { Logger } from '../logger';

/**
 * Tells every process that something changed, now: "order 42 changed" reaches each gateway
 * and orders replica subscribed to it. A notification carries no state and may be lost
 * (a subscriber that was disconnected reloads the current state when it resubscribes), so
 * it is not an event: events go through the outbox and the broker, at least once.
 */
export interface ChangeFeed {
  publish(topic: string, message?: string): Promise<void>;
  /** Calls `listener` for every notification on `topic` until the returned function is called. */
  subscribe(topic: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Topics of the change feed that more than one process knows. */
export const ChangeTopics = {
  /** An order's status (or anything else a subscriber may select) changed. */
  order: (orderId: string) => `order:${orderId}`,
  /** A user got a new notification (notifications → the gateway's `notificationAdded` of that user). */
  notifications: (userId: string) => `notifications:${userId}`,
  /** Something anonymous visitors see changed (a product, a listing, a vendor's or a reviewer's public name): shared caches of public answers start over. */
  publicData: 'public-data',
} as const;

/**
 * What a subgraph calls after committing a change to public data. A notice that cannot be
 * sent is logged, not thrown: the change is committed, and a cache that missed the notice
 * serves the old answer at most until its TTL.
 */
export function publicDataAnnouncer(changes: ChangeFeed, log: Logger): () => Promise<void> {
  return () =>
    changes
      .publish(ChangeTopics.publicData)
      .catch((error: unknown) => log.warn({ err: error }, 'change feed: could not announce a public data change'));
}

/** Redis pub/sub when `REDIS_URL` is set (several processes); an in-process emitter for the embedded mode. */
export function createChangeFeed(redisUrl: string | undefined, namespace: string, log: Logger): ChangeFeed {
  return redisUrl ? new RedisChangeFeed(redisUrl, namespace, log) : new InProcessChangeFeed(sharedInProcessChanges);
}

/** Every feed of an embedded run shares this emitter, as every process shares one Redis. */
const sharedInProcessChanges = new EventEmitter().setMaxListeners(0);

export class InProcessChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<{ topic: string; listener: (message: string) => void }>();

  constructor(private readonly emitter: EventEmitter = new EventEmitter().setMaxListeners(0)) {}

  async publish(topic: string, message = ''): Promise<void> {
    this.emitter.emit(topic, message);
  }

  async subscribe(topic: string, listener: (message: string) => void) {
    const entry = { topic, listener };
    this.listeners.add(entry);
    this.emitter.on(topic, listener);
    return async () => {
      this.listeners.delete(entry);
      this.emitter.off(topic, listener);
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const { topic, listener } of this.listeners) this.emitter.off(topic, listener);
    this.listeners.clear();
  }
}

const REDIS_DISCONNECT_TIMEOUT_MS = 200;

/**
 * One publishing and one subscribing connection per process (a Redis connection in
 * subscriber mode can do nothing else), multiplexing every topic the process listens to.
 */
export class RedisChangeFeed implements ChangeFeed {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly topics = new Map<string, Set<(message: string) => void>>();

  constructor(
    url: string,
    private readonly namespace: string,
    log: Logger,
  ) {
    const options = { maxRetriesPerRequest: 2, disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS };
    this.publisher = new Redis(url, options);
    // ioredis resubscribes to every channel after a reconnect on its own.
    this.subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null });
    for (const connection of [this.publisher, this.subscriber])
      connection.on('error', (error) => log.debug({ err: error }, 'change feed: redis error'));
    this.subscriber.on('message', (channel: string, message: string) => {
      const topic = channel.slice(this.namespace.length + 1);
      for (const listener of this.topics.get(topic) ?? []) listener(message);
    });
  }

  async publish(topic: string, message = ''): Promise<void> {
    await this.publisher.publish(this.channel(topic), message);
  }

  async subscribe(topic: string, listener: (message: string) => void) {
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
      await this.subscriber.subscribe(this.channel(topic));
    }
    listeners.add(listener);
    return async () => {
      const current = this.topics.get(topic);
      if (!current?.delete(listener) || current.size > 0) return;
      this.topics.delete(topic);
      await this.subscriber.unsubscribe(this.channel(topic)).catch(() => undefined);
    };
  }

  async ping(): Promise<void> {
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private channel(topic: string): string {
    return `${this.namespace}:${topic}`;
  }
}
