import type { Envelope } from './envelope';

/** One message as a transport hands it to the consumer core. */
export interface Delivery {
  /** The raw body; the core parses and validates it. */
  body: Buffer;
  routingKey: string;
  /** True when the broker has delivered this message before (a consumer died holding it). */
  redelivered: boolean;
  /** The message headers; `traceparent`/`tracestate` continue the producer's trace. */
  headers?: Record<string, unknown>;
  ack(): Promise<void>;
  /** Gives the message back for redelivery (the process is stopping, or the handler could not finish). */
  requeue(): Promise<void>;
}

export interface DeadLetter {
  queue: string;
  routingKey: string;
  body: Buffer;
  error: string;
  attempts: number;
}

/**
 * Moves events between subgraphs. RabbitMQ when AMQP_URL is set; in-process for the
 * single-process embedded mode. Both promise the same: `publish` resolves only once the
 * event is safely routed (broker confirm), deliveries are at-least-once.
 */
export interface EventTransport {
  readonly kind: 'amqp' | 'in-process';
  publish(envelope: Envelope): Promise<void>;
  /** Declares the durable queue for `queue`, bound to `routingKeys`, and starts delivering to `onDelivery`. */
  consume(
    queue: string,
    routingKeys: string[],
    onDelivery: (delivery: Delivery) => Promise<void>,
    options: { prefetch: number },
  ): Promise<{ cancel(): Promise<void> }>;
  deadLetter(letter: DeadLetter): Promise<void>;
  /** Throws when the broker cannot be reached (for /ready). */
  check(): Promise<void>;
  close(): Promise<void>;
}
