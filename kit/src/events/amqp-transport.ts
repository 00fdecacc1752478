import amqp, { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../logger';
import type { Envelope } from './envelope';
import { backoffDelay, sleep } from './backoff';
import type { DeadLetter, Delivery, EventTransport } from './transport';

export interface AmqpTopology {
  /** Durable topic exchange every event is published to. */
  exchange: string;
  /** Where poison messages go, routed by the consumer queue's name into `<queue>.dead-letters`. */
  deadLetterExchange: string;
  /** Prepended to queue names (tests isolate themselves on a shared broker). */
  queuePrefix: string;
  /** Test topology: exchanges auto-delete and queues expire when unused. */
  temporary: boolean;
  /**
   * `quorum`: replicated queues for a RabbitMQ cluster (they survive a node's loss); `classic`
   * otherwise. A queue keeps the type it was declared with: switching means new queues.
   */
  queueType: QueueType;
}

export const QUEUE_TYPES = ['classic', 'quorum'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/** Broker heartbeat: a silently dead connection is noticed within about twice this. */
const HEARTBEAT_SECONDS = 10;
/**
 * Reconnect back-off: a refused connection costs the broker nothing, so retrying at most a
 * second apart bounds how long a returned broker goes unnoticed. The old 10 s cap left the
 * subgraphs 3–6 s behind a broker back from an 8 s outage (issue 18).
 */
const RECONNECT_BASE_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 1_000;
/** TCP connect plus AMQP handshake: a broker that accepts but never answers must not stall the retries. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnect failures are logged on the first and then every this many attempts (one a second while down). */
const RECONNECT_LOG_EVERY = 30;
const TEMPORARY_QUEUE_EXPIRES_MS = 5 * 60_000;

interface ConsumerSpec {
  queue: string;
  routingKeys: string[];
  prefetch: number;
  onDelivery: (delivery: Delivery) => Promise<void>;
  channel?: Channel;
  tag?: string;
  cancelled: boolean;
}

/**
 * RabbitMQ through amqplib: publishes on a confirm channel (resolves on the broker's ack),
 * consumes with manual acks, and reconnects with back-off, declaring its topology again
 * and resuming every consumer. While disconnected, `publish` fails fast so the outbox
 * relay keeps the events and retries; `onConnected` tells it the moment it can publish.
 */
export class AmqpTransport implements EventTransport {
  readonly kind = 'amqp' as const;
  private connection: ChannelModel | undefined;
  private publisher: ConfirmChannel | undefined;
  private connecting: Promise<void> | undefined;
  private readonly consumers: ConsumerSpec[] = [];
  private closed = false;
  private attempts = 0;
  private readonly connectedListeners: (() => void)[] = [];
  private readonly disconnectedListeners: (() => void)[] = [];
  private lastError: string | undefined;

  constructor(
    private readonly url: string,
    private readonly topology: AmqpTopology,
    private readonly log: Logger,
  ) {}

  /** Connects now if it can; a broker that is down only delays delivery (the service still starts, not ready). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.log.warn({ error: this.lastError }, 'broker unreachable at start; will keep trying');
      this.reconnectSoon();
    }
  }

  async publish({ trace, ...envelope }: Envelope): Promise<void> {
    const channel = await this.publishChannel();
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        this.topology.exchange,
        envelope.type,
        Buffer.from(JSON.stringify(envelope)),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: envelope.id,
          correlationId: envelope.correlationId,
          type: envelope.type,
          timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
          headers: { version: envelope.version, source: envelope.source, ...trace },
        },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }

  async consume(
    queue: string,
    routingKeys: string[],
    onDelivery: (delivery: Delivery) => Promise<void>,
    options: { prefetch: number },
  ) {
    const spec: ConsumerSpec = {
      queue: this.topology.queuePrefix + queue,
      routingKeys,
      prefetch: options.prefetch,
      onDelivery,
      cancelled: false,
    };
    this.consumers.push(spec);
    if (this.connection) await this.startConsumer(this.connection, spec);
    else this.reconnectSoon();
    return {
      cancel: async () => {
        spec.cancelled = true;
        if (spec.channel && spec.tag) await spec.channel.cancel(spec.tag).catch(() => undefined);
      },
    };
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const channel = await this.publishChannel();
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        this.topology.deadLetterExchange,
        this.topology.queuePrefix + letter.queue,
        letter.body,
        {
          persistent: true,
          contentType: 'application/json',
          headers: {
            'x-error': letter.error.slice(0, 1000),
            'x-attempts': letter.attempts,
            'x-original-routing-key': letter.routingKey,
          },
        },
        (error) => (error ? reject(new Error(String(error))) : resolve()),
      );
    });
  }

  /**
   * Called after every (re)connection, once the topology is declared and every consumer
   * resumed, so a waiting relay publishes at once instead of after its back-off.
   */
  onConnected(listener: () => void): void {
    this.connectedListeners.push(listener);
  }

  /** Called when an established connection is lost (not for failed attempts while down). */
  onDisconnected(listener: () => void): void {
    this.disconnectedListeners.push(listener);
  }

  async check(): Promise<void> {
    if (!this.connection) throw new Error(`broker unreachable${this.lastError ? `: ${this.lastError}` : ''}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const spec of this.consumers) spec.cancelled = true;
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }

  private async publishChannel(): Promise<ConfirmChannel> {
    if (!this.publisher) {
      this.reconnectSoon();
      throw new Error(`broker unreachable${this.lastError ? `: ${this.lastError}` : ''}`);
    }
    return this.publisher;
  }

  /**
   * Opens a connection and declares everything on it before anyone may use it: a
   * connection that fails half-way (cut again while declaring) is closed and never becomes
   * current, so the retry loop goes on and the connected listeners run exactly once per
   * usable connection. Every declaration is a round trip, so what does not depend on the
   * exchanges (the consumers' channels, queues and prefetch) goes in parallel with them.
   */
  private async connect(): Promise<void> {
    const url = new URL(this.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(HEARTBEAT_SECONDS));
    // No Nagle: declarations, confirms and acks are small frames each waited on.
    const connection = await amqp.connect(url.toString(), { timeout: CONNECT_TIMEOUT_MS, noDelay: true });
    connection.on('error', (error: Error) => (this.lastError = error.message));
    connection.on('close', () => this.lost(connection));
    try {
      const wanted = this.consumers.filter((spec) => !spec.cancelled);
      const [publisher, ...channels] = await Promise.all([
        this.openPublisher(connection),
        ...wanted.map((spec) => this.openConsumerChannel(connection, spec)),
      ]);
      for (const [index, spec] of wanted.entries()) await this.resumeConsumer(channels[index], spec);
      // Consumers registered while this connection was being set up.
      for (const spec of this.consumers)
        if (!spec.cancelled && !wanted.includes(spec)) await this.startConsumer(connection, spec);
      if (this.closed) throw new Error('transport closed while connecting');
      this.connection = connection;
      this.publisher = publisher;
    } catch (error) {
      // Not awaited: closing waits for the broker's answer, which a broker that stopped answering never sends.
      void connection.close().catch(() => undefined);
      throw error;
    }
    this.attempts = 0;
    this.lastError = undefined;
    this.connectedListeners.forEach((listener) => listener());
  }

  private async openPublisher(connection: ChannelModel): Promise<ConfirmChannel> {
    const publisher = await connection.createConfirmChannel();
    publisher.on('error', (error: Error) => (this.lastError = error.message));
    // A channel error closes the publisher alone; without a new one every publish would fail until the connection did.
    publisher.on('close', () => this.dropIfCurrent(connection, 'publisher channel closed'));
    for (const exchange of [this.topology.exchange, this.topology.deadLetterExchange])
      await publisher.assertExchange(exchange, 'topic', { durable: true, autoDelete: this.topology.temporary });
    return publisher;
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.publisher = undefined;
    for (const spec of this.consumers) spec.channel = undefined;
    this.disconnectedListeners.forEach((listener) => listener());
    if (!this.closed) {
      this.log.warn({ error: this.lastError }, 'broker connection lost; reconnecting');
      this.reconnectSoon();
    }
  }

  /**
   * A channel of the current connection closed: start over on a fresh connection. Checked
   * a tick later because a lost connection closes its channels just before it reports its
   * own close, which is then the one to handle.
   */
  private dropIfCurrent(connection: ChannelModel, reason: string): void {
    setImmediate(() => {
      if (this.connection !== connection || this.closed) return;
      this.log.warn({ reason, error: this.lastError }, 'broker channel closed; reconnecting');
      this.lost(connection);
      void connection.close().catch(() => undefined);
    });
  }

  private reconnectSoon(): void {
    if (this.connecting || this.closed || this.connection) return;
    this.connecting = (async () => {
      while (!this.closed && !this.connection) {
        await sleep(backoffDelay(++this.attempts, RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS));
        if (this.closed) break;
        try {
          await this.connect();
          this.log.info('broker connection restored');
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          if (this.attempts === 1 || this.attempts % RECONNECT_LOG_EVERY === 0)
            this.log.warn({ error: this.lastError, attempts: this.attempts }, 'broker still unreachable');
        }
      }
    })().finally(() => (this.connecting = undefined));
  }

  private async startConsumer(connection: ChannelModel, spec: ConsumerSpec): Promise<void> {
    await this.resumeConsumer(await this.openConsumerChannel(connection, spec), spec);
  }

  /** The consumer's channel, queue, dead-letter queue and prefetch: nothing that needs the exchanges yet. */
  private async openConsumerChannel(connection: ChannelModel, spec: ConsumerSpec): Promise<Channel> {
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => (this.lastError = error.message));
    channel.on('close', () => {
      // Cancelling closes nothing; a consumer channel that closes while wanted stopped delivering for good.
      if (!spec.cancelled && spec.channel === channel)
        this.dropIfCurrent(connection, `consumer channel ${spec.queue} closed`);
    });
    // Classic queues are declared without the argument, as before it existed: a queue declared
    // again with other arguments is refused by the broker (PRECONDITION_FAILED).
    const queueArguments = {
      ...(this.topology.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {}),
      ...(this.topology.temporary ? { 'x-expires': TEMPORARY_QUEUE_EXPIRES_MS } : {}),
    };
    await channel.assertQueue(spec.queue, { durable: true, arguments: queueArguments });
    await channel.assertQueue(deadLetterQueue(spec), { durable: true, arguments: queueArguments });
    await channel.prefetch(spec.prefetch);
    return channel;
  }

  /** Binds the queues to the (declared) exchanges and starts delivering. */
  private async resumeConsumer(channel: Channel, spec: ConsumerSpec): Promise<void> {
    for (const key of spec.routingKeys) await channel.bindQueue(spec.queue, this.topology.exchange, key);
    await channel.bindQueue(deadLetterQueue(spec), this.topology.deadLetterExchange, spec.queue);
    const { consumerTag } = await channel.consume(spec.queue, (message: ConsumeMessage | null) => {
      if (!message) return; // cancelled by the broker (queue deleted); the reconnect path declares it again
      void spec.onDelivery({
        body: message.content,
        routingKey: message.fields.routingKey,
        redelivered: message.fields.redelivered,
        headers: message.properties.headers,
        // After a lost connection these throw; the broker redelivers and the inbox absorbs the duplicate.
        ack: async () => channel.ack(message),
        requeue: async () => channel.nack(message, false, true),
      });
    });
    spec.channel = channel;
    spec.tag = consumerTag;
  }
}

const deadLetterQueue = (spec: ConsumerSpec) => `${spec.queue}.dead-letters`;
