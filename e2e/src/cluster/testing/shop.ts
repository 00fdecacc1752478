import { randomUUID } from 'node:crypto';
import { sessionsRecorded, tokenFor, uuidOf } from '@marketplace/kit/testing';

/** What a client got back: data, or the reason it did not. */
export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests navigate answers freely; expect checks them
  data: Record<string, any> | null | undefined;
  errors: { message: string; extensions?: { code?: string; reason?: string } }[] | undefined;
}

/** A request a client saw fail: no answer at all, a 5xx, or an error it did not ask for. */
export interface Failure {
  gateway: string;
  operation: string;
  at: number;
  problem: string;
}

/** Answers of a step that are the system being eventually consistent, not failing: the caller asks again. */
type NotYet = (answer: Answer) => boolean;

/**
 * The gateway's answer when a subgraph could not be reached; its message says to try again. A
 * write sent on a pooled connection at the instant a replica closes it (HTTP/1.1 keep-alive's
 * own race, which no drain removes) gets it, and the gateway cannot tell whether it was applied,
 * so only the client may send it again: and only a write that is idempotent.
 */
const RETRYABLE = 'DOWNSTREAM_SERVICE_ERROR';

/** A client of one or more gateways that records every request that failed as a client would see it. */
export class Shop {
  readonly failures: Failure[] = [];
  /** Idempotent writes answered RETRYABLE and sent again, as a client's retry would. */
  readonly retried: Failure[] = [];
  requests = 0;
  private turn = 0;

  constructor(private readonly gatewayUrls: string[]) {}

  /** Gateways in turn, so each purchase's requests are spread over both. */
  private nextGateway(): string {
    return this.gatewayUrls[this.turn++ % this.gatewayUrls.length];
  }

  async request(
    query: string,
    options: { variables?: Record<string, unknown>; token?: string; gateway?: string } = {},
  ): Promise<Answer | undefined> {
    const gateway = options.gateway ?? this.nextGateway();
    const operation = operationName(query);
    if (options.token) await sessionsRecorded();
    this.requests += 1;
    try {
      const response = await fetch(gateway, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({ query, variables: options.variables }),
      });
      const body = (await response.json()) as Pick<Answer, 'data' | 'errors'>;
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    } catch (error) {
      this.fail(gateway, operation, `no answer: ${describe(error)}`);
      return undefined;
    }
  }

  /**
   * The data of an operation that must succeed (asking again while `notYet`, and once more after a
   * RETRYABLE answer when it is `idempotent`); undefined, recorded, when it failed.
   */
  async data(
    query: string,
    options: {
      variables?: Record<string, unknown>;
      token?: string;
      gateway?: string;
      notYet?: NotYet;
      idempotent?: boolean;
      /** After a retry: an answer saying the first attempt was applied after all (the data is then `{}`). */
      appliedBefore?: (answer: Answer) => boolean;
    } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Answer
  ): Promise<Record<string, any> | undefined> {
    const deadline = Date.now() + NOT_YET_TIMEOUT_MS;
    let retries = options.idempotent ? 1 : 0;
    for (;;) {
      const gateway = options.gateway ?? this.nextGateway();
      const answer = await this.request(query, { ...options, gateway });
      if (!answer) return undefined;
      if (answer.status === 200 && !answer.errors?.length && answer.data) return answer.data;
      if (retries === 0 && options.idempotent && options.appliedBefore?.(answer)) return {};
      if (errorCode(answer) === RETRYABLE && retries-- > 0) {
        this.retried.push({ gateway, operation: operationName(query), at: Date.now(), problem: RETRYABLE });
        continue;
      }
      if (options.notYet?.(answer) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, NOT_YET_PAUSE_MS));
        continue;
      }
      this.fail(gateway, operationName(query), `HTTP ${answer.status}: ${JSON.stringify(answer.errors)}`);
      return undefined;
    }
  }

  /**
   * A new customer buys `productId`: cart, checkout, payment intent, simulated payment
   * (payments sends payment.succeeded; orders, licensing and the vendor's ledger follow by
   * events). The order's id, or undefined when a step failed (recorded in `failures`).
   */
  async purchase(productId: string): Promise<string | undefined> {
    const token = tokenFor(randomUUID(), 'CUSTOMER');
    // Every step may be sent again: a product is in a cart once, checkout has its key, an order has one payment.
    const added = await this.data(
      `mutation AddToCart($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
      { variables: { p: productId }, token, idempotent: true },
    );
    if (!added) return undefined;
    const checkedOut = await this.data(
      `mutation Checkout($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Replica Buyer", country: "US" } }) { order { id } } }`,
      { variables: { k: `replicas-${randomUUID()}` }, token, idempotent: true },
    );
    const orderId = checkedOut?.checkout.order.id as string | undefined;
    if (!orderId) return undefined;
    // payments learns of the order from order.created: until then it does not know it.
    const intent = await this.data(
      `mutation CreatePaymentIntent($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
      { variables: { o: orderId }, token, notYet: (answer) => errorCode(answer) === 'NOT_FOUND', idempotent: true },
    );
    if (!intent) return undefined;
    // Paying twice is refused: a retry answered ALREADY_PAID means the first attempt went through.
    const paid = await this.data(
      `mutation SimulatePayment($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
      {
        variables: { o: orderId },
        token,
        idempotent: true,
        appliedBefore: (answer) => answer.errors?.[0]?.extensions?.reason === 'ALREADY_PAID',
      },
    );
    return paid ? orderId : undefined;
  }

  /** `count` purchases of `products` in turn, `concurrency` at a time: their orders' raw ids. */
  async purchases(products: string[], count: number, concurrency: number): Promise<string[]> {
    const orders: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const order = await this.purchase(products[next++ % products.length]);
          if (order) orders.push(uuidOf(order));
        }
      }),
    );
    return orders;
  }

  /** Purchases back to back, `concurrency` at a time, until `stop()`: their orders' raw ids so far. */
  purchaseStream(products: string[], concurrency: number): { orders: string[]; stop(): Promise<string[]> } {
    const orders: string[] = [];
    let stopped = false;
    let next = 0;
    const workers = Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (!stopped) {
          const order = await this.purchase(products[next++ % products.length]);
          if (order) orders.push(uuidOf(order));
        }
      }),
    );
    return {
      orders,
      stop: async () => {
        stopped = true;
        await workers;
        return orders;
      },
    };
  }

  private fail(gateway: string, operation: string, problem: string): void {
    this.failures.push({ gateway, operation, at: Date.now(), problem });
  }
}

/** How long a step waits for the events it depends on. */
const NOT_YET_TIMEOUT_MS = 20_000;
const NOT_YET_PAUSE_MS = 50;

function operationName(query: string): string {
  return /^(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
}

export function errorCode(answer: Answer): string | undefined {
  return answer.errors?.[0]?.extensions?.code;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
