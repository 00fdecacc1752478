import { Client, createClient } from 'graphql-ws';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import { sessionsRecorded } from './helpers';

/** How long a test waits for the next push before it fails with what it has seen. */
const PUSH_TIMEOUT_MS = 15_000;

/** One subscription of a test: every push it received, and the error or completion that ended it. */
export interface TestSubscription<T = Record<string, unknown>> {
  pushes: ExecutionResult<T>[];
  /** Resolves with the `n`th push (1-based), waiting for it. */
  push(n: number, timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Resolves with the first push whose data satisfies `test`. */
  pushWhere(test: (data: T) => boolean, timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Resolves when the server ends the subscription: the errors it sent, or [] on completion. */
  ended: Promise<readonly GraphQLFormattedError[]>;
  unsubscribe(): void;
}

/** A graphql-ws client as a browser would open it, with `authorization` in connectionParams when a token is given. */
export function subscriptionClient(
  httpUrl: string,
  token?: string,
  options: { onClose?: (code: number, reason: string) => void } = {},
): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: async () => {
      await sessionsRecorded();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) =>
        options.onClose?.((event as { code: number }).code, String((event as { reason: unknown }).reason)),
    },
  });
}

export function subscribe<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): TestSubscription<T> {
  const pushes: ExecutionResult<T>[] = [];
  const waiters = new Set<() => void>();
  let end!: (errors: readonly GraphQLFormattedError[]) => void;
  const ended = new Promise<readonly GraphQLFormattedError[]>((resolve) => (end = resolve));
  const notify = () => waiters.forEach((waiter) => waiter());
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        pushes.push(result as ExecutionResult<T>);
        notify();
      },
      error: (error) => {
        end(Array.isArray(error) ? error : [{ message: describeClose(error) }]);
        notify();
      },
      complete: () => {
        end([]);
        notify();
      },
    },
  );
  const waitFor = (found: () => ExecutionResult<T> | undefined, what: string, timeoutMs: number) =>
    new Promise<ExecutionResult<T>>((resolve, reject) => {
      const check = () => {
        const result = found();
        if (!result) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; pushes so far: ${JSON.stringify(pushes)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    pushes,
    push: (n, timeoutMs = PUSH_TIMEOUT_MS) => waitFor(() => pushes[n - 1], `push #${n}`, timeoutMs),
    pushWhere: (test, timeoutMs = PUSH_TIMEOUT_MS) =>
      waitFor(() => pushes.find((result) => result.data && test(result.data)), 'a matching push', timeoutMs),
    ended,
    unsubscribe,
  };
}

function describeClose(error: unknown): string {
  if (error instanceof Error) return error.message;
  const event = error as { code?: number; reason?: string };
  return event?.code !== undefined ? `closed ${event.code} ${event.reason ?? ''}`.trim() : String(error);
}

/**
 * graphql-ws spoken by hand over `ws`, for what its client cannot send (oversized frames) or
 * hides (close codes). The test terminates it (`socket.terminate()`) when done.
 */
export class RawGraphQLSocket {
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly received: { type: string; id?: string; payload?: unknown }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    this.socket.on('error', () => undefined);
    this.socket.on('message', (data: Buffer) => {
      this.received.push(JSON.parse(data.toString()) as RawGraphQLSocket['received'][number]);
      this.waiters.forEach((waiter) => waiter());
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.forEach((waiter) => waiter());
      }),
    );
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** `acked` once the server acknowledged `connection_init`, else how it closed the socket. */
  async init(token?: string): Promise<'acked' | { code: number; reason: string }> {
    await new Promise<void>((resolve, reject) => {
      if (this.socket.readyState === WebSocket.OPEN) return resolve();
      this.socket.once('open', () => resolve());
      this.socket.once('close', () => resolve());
      this.socket.once('error', reject);
    });
    if (this.socket.readyState === WebSocket.OPEN) {
      this.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
    }
    return Promise.race([this.next('connection_ack').then(() => 'acked' as const), this.closed]);
  }

  next(type: string, id?: string): Promise<RawGraphQLSocket['received'][number]> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.received.find((message) => message.type === type && (id === undefined || message.id === id));
        if (!found) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      check();
    });
  }
}
