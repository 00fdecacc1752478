import type { Envelope } from './envelope';
import { topicMatches } from './topic';
import type { DeadLetter, Delivery, EventTransport } from './transport';

interface Message {
  routingKey: string;
  body: Buffer;
  redelivered: boolean;
  headers?: Record<string, unknown>;
}

interface Consumer {
  onDelivery: (delivery: Delivery) => Promise<void>;
  prefetch: number;
  unacked: number;
}

interface Queue {
  bindings: Set<string>;
  ready: Message[];
  /** Several consumers share a queue round-robin, as competing consumers do on RabbitMQ. */
  consumers: Consumer[];
  next: number;
}

/**
 * A broker inside the process for the single-process embedded mode, with RabbitMQ's
 * semantics where they matter: named queues bound by topic, messages kept for a queue
 * until acknowledged, at most `prefetch` unacknowledged per consumer, requeue on nack.
 * It is not durable: the outbox is (unsent rows are published again after a restart).
 */
export class InProcessBroker {
  private readonly queues = new Map<string, Queue>();
  readonly deadLetters: DeadLetter[] = [];

  publish(routingKey: string, body: Buffer, headers?: Record<string, unknown>): void {
    for (const queue of this.queues.values()) {
      if ([...queue.bindings].some((pattern) => topicMatches(pattern, routingKey))) {
        queue.ready.push({ routingKey, body, redelivered: false, headers });
        this.schedule(queue);
      }
    }
  }

  declare(name: string, routingKeys: string[]): Queue {
    const queue = this.queues.get(name) ?? { bindings: new Set<string>(), ready: [], consumers: [], next: 0 };
    routingKeys.forEach((key) => queue.bindings.add(key));
    this.queues.set(name, queue);
    return queue;
  }

  depth(name: string): number {
    const queue = this.queues.get(name);
    return queue ? queue.ready.length + queue.consumers.reduce((sum, consumer) => sum + consumer.unacked, 0) : 0;
  }

  schedule(queue: Queue): void {
    setImmediate(() => this.dispatch(queue));
  }

  private dispatch(queue: Queue): void {
    while (queue.ready.length > 0) {
      const consumer = this.nextAvailable(queue);
      if (!consumer) return;
      const message = queue.ready.shift()!;
      consumer.unacked += 1;
      let settled = false;
      const settle = (requeue: boolean) => {
        if (settled) return;
        settled = true;
        consumer.unacked -= 1;
        if (requeue) queue.ready.unshift({ ...message, redelivered: true });
        this.schedule(queue);
      };
      void consumer
        .onDelivery({
          body: message.body,
          routingKey: message.routingKey,
          redelivered: message.redelivered,
          headers: message.headers,
          ack: async () => settle(false),
          requeue: async () => settle(true),
        })
        .catch(() => settle(true));
    }
  }

  private nextAvailable(queue: Queue): Consumer | undefined {
    for (let i = 0; i < queue.consumers.length; i += 1) {
      const consumer = queue.consumers[(queue.next + i) % queue.consumers.length];
      if (consumer.unacked < consumer.prefetch) {
        queue.next = (queue.next + i + 1) % queue.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  remove(queue: Queue, consumer: Consumer): void {
    queue.consumers = queue.consumers.filter((c) => c !== consumer);
  }
}

const brokersByExchange = new Map<string, InProcessBroker>();

/**
 * The broker of one exchange (`EVENTS_EXCHANGE`), as RabbitMQ keeps exchanges apart: subgraphs
 * of one deployment share it, and test files that name their own exchange stay isolated even
 * when one file runs two instances of a subgraph (whose queues have the same names).
 */
export function inProcessBrokerFor(exchange: string): InProcessBroker {
  let broker = brokersByExchange.get(exchange);
  if (!broker) {
    broker = new InProcessBroker();
    brokersByExchange.set(exchange, broker);
  }
  return broker;
}

export class InProcessTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  private readonly cancels: (() => Promise<void>)[] = [];

  constructor(private readonly broker: InProcessBroker) {}

  /** As on RabbitMQ, the trace context travels as headers beside the body. */
  async publish({ trace, ...envelope }: Envelope): Promise<void> {
    this.broker.publish(envelope.type, Buffer.from(JSON.stringify(envelope)), trace ? { ...trace } : undefined);
  }

  async consume(
    queueName: string,
    routingKeys: string[],
    onDelivery: (delivery: Delivery) => Promise<void>,
    options: { prefetch: number },
  ) {
    const queue = this.broker.declare(queueName, routingKeys);
    const consumer: Consumer = { onDelivery, prefetch: options.prefetch, unacked: 0 };
    queue.consumers.push(consumer);
    this.broker.schedule(queue);
    const cancel = async () => this.broker.remove(queue, consumer);
    this.cancels.push(cancel);
    return { cancel };
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    this.broker.deadLetters.push(letter);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all(this.cancels.map((cancel) => cancel()));
  }
}
