import type { IncomingMessage, Server } from 'node:http';
import { DocumentNode, GraphQLError, GraphQLFormattedError, getOperationAST, parse, validate } from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';

/** How long a client may take to send `connection_init` before the socket is closed. */
const CONNECTION_INIT_WAIT_TIMEOUT_MS = 10_000;
/** One graphql-ws message at most, as HTTP bodies: operations are small and never carry files. */
export const DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES = 2 ** 20;
/**
 * Operations one socket may have started and not finished (a live subscription counts for
 * as long as it is followed): far above what a page subscribes to, low enough that one socket
 * cannot pile up work faster than it completes.
 */
export const DEFAULT_WEBSOCKET_MAX_OPERATIONS_IN_FLIGHT = 100;

/** Registers a reading of open subscriptions; returns the function that unregisters it. */
export type SubscriptionCounter = (read: () => number) => () => void;

export type FormatError = (formatted: GraphQLFormattedError, raw: unknown) => GraphQLFormattedError;

/** What graphql-ws hands every hook about the socket: the ws socket and its upgrade request. */
export type WebSocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
};
export type ConnectionParams = Record<string, unknown> | undefined;
export type WebSocketContext = Context<ConnectionParams, WebSocketExtra>;

export interface WebSocketLimits {
  /** A larger message closes the socket with 1009 (Message Too Big), as ws's `maxPayload`. */
  maxMessageBytes: number;
  /** One more `subscribe` is refused with an `error` message (RATE_LIMITED); the socket stays open. */
  maxOperationsInFlight: number;
}

export interface GraphQLOverWebSocketOptions extends ServerOptions<ConnectionParams, WebSocketExtra> {
  formatError: FormatError;
  limits?: Partial<WebSocketLimits>;
  /** Where protocol errors (oversized or malformed frames) are noted; ws has already closed the socket. */
  log?: Logger;
  /** Called for each socket as it opens, before `connection_init`: closing it here refuses the connection. */
  onSocketOpen?: (socket: WebSocket, request: IncomingMessage) => void;
  /** Where the number of subscriptions followed is read at each scrape (`Metrics.countSubscriptions`). */
  countSubscriptions?: SubscriptionCounter;
}

/** The `Authorization` value a graphql-ws client sends in `connectionParams` (either spelling). */
export function authorizationFrom(connectionParams: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = connectionParams?.authorization ?? connectionParams?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Serves graphql-ws on `path` of an existing HTTP server, next to the HTTP endpoint, with
 * errors shaped exactly as over HTTP (codes, no stack traces) and the limits of
 * `WebSocketLimits`. Returns the dispose function: it completes every subscription and
 * closes every socket.
 */
export function serveGraphQLOverWebSocket(
  server: Server,
  path: string,
  options: GraphQLOverWebSocketOptions,
): () => Promise<void> {
  const { formatError, limits = {}, log, onSocketOpen, countSubscriptions, ...serverOptions } = options;
  const sockets = new WebSocketServer({
    server,
    path,
    maxPayload: limits.maxMessageBytes ?? DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES,
  });
  if (onSocketOpen) sockets.on('connection', onSocketOpen);
  const format = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) => formatError(error instanceof GraphQLError ? error.toJSON() : error, error));
  // An `error` message is a request error (execution errors travel in `next`): give it Apollo's code, as HTTP does.
  const requestErrors = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    format(
      errors.map((error) =>
        error.extensions?.code
          ? error
          : withCode(
              error,
              error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
            ),
      ),
    );
  const inFlight = operationsInFlight(limits.maxOperationsInFlight ?? DEFAULT_WEBSOCKET_MAX_OPERATIONS_IN_FLIGHT);
  const followed = subscriptionsFollowed(countSubscriptions);
  const cleanup = useServer<ConnectionParams, WebSocketExtra>(
    {
      connectionInitWaitTimeout: CONNECTION_INIT_WAIT_TIMEOUT_MS,
      ...serverOptions,
      onSubscribe: followed.know(inFlight.guard(serverOptions.onSubscribe ?? defaultOnSubscribe(serverOptions))),
      onComplete: async (ctx, id, payload) => {
        inFlight.release(ctx);
        await serverOptions.onComplete?.(ctx, id, payload);
      },
      onError: (_ctx, _id, _payload, errors) => requestErrors(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : result,
    },
    sockets,
  );
  // Registered after useServer's own: see quietProtocolErrors.
  sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => quietProtocolErrors(socket, request, log));
  let disposed: Promise<void> | undefined;
  // Disposing completes every subscription, closes every socket and the WebSocket server.
  return () => (disposed ??= Promise.resolve(cleanup.dispose()).finally(followed.stop));
}

type OnSubscribe = NonNullable<ServerOptions<ConnectionParams, WebSocketExtra>['onSubscribe']>;

/**
 * Counts each socket's operations from their `subscribe` message to their end. graphql-ws's
 * own `ctx.subscriptions` forgets an operation as soon as the client sends `complete`, while
 * its execution goes on; so a client could start, cancel and start again without limit. An
 * operation that gets past `onSubscribe` always ends through `onComplete` (normal end, error
 * or cancel alike), or its socket closes; one refused in `onSubscribe` is released there.
 */
function operationsInFlight(max: number) {
  const counts = new WeakMap<WebSocketContext, number>();
  const release = (ctx: WebSocketContext) => counts.set(ctx, Math.max(0, (counts.get(ctx) ?? 0) - 1));
  const guard =
    (onSubscribe: OnSubscribe): OnSubscribe =>
    async (ctx, id, payload) => {
      const count = counts.get(ctx) ?? 0;
      if (count >= max) {
        return [
          new AppError(ErrorCode.RATE_LIMITED, `Too many operations in flight on this socket (at most ${max})`, {
            maxOperationsInFlight: max,
          }),
        ];
      }
      counts.set(ctx, count + 1);
      let admitted: Awaited<ReturnType<OnSubscribe>>;
      try {
        admitted = await onSubscribe(ctx, id, payload);
      } catch (error) {
        release(ctx);
        throw error;
      }
      if (!admitted || !('document' in admitted)) {
        release(ctx);
        return admitted;
      }
      // graphql-ws would answer this itself, past onSubscribe, without calling onComplete.
      if (!getOperationAST(admitted.document, admitted.operationName)) {
        release(ctx);
        return [new GraphQLError('Unable to identify operation')];
      }
      return admitted;
    };
  return { guard, release };
}

/**
 * The subscriptions graphql-ws follows, read from its own per-socket record: an operation's
 * entry holds its stream from the moment it starts streaming until it ends, the client sends
 * `complete` or the socket closes (queries stay null there). Sockets are known from their
 * first operation until they close.
 */
function subscriptionsFollowed(count: SubscriptionCounter | undefined) {
  const contexts = new Set<WebSocketContext>();
  const stopCounting = count?.(() => {
    let open = 0;
    for (const ctx of contexts) for (const stream of Object.values(ctx.subscriptions)) if (stream) open += 1;
    return open;
  });
  const know =
    (onSubscribe: OnSubscribe): OnSubscribe =>
    (ctx, id, payload) => {
      if (count && !contexts.has(ctx) && ctx.extra.socket.readyState === WebSocket.OPEN) {
        contexts.add(ctx);
        ctx.extra.socket.once('close', () => contexts.delete(ctx));
      }
      return onSubscribe(ctx, id, payload);
    };
  return { know, stop: () => stopCounting?.() };
}

/** What graphql-ws does when there is no onSubscribe, made explicit so every operation passes the guard. */
function defaultOnSubscribe(options: ServerOptions<ConnectionParams, WebSocketExtra>): OnSubscribe {
  const { schema } = options;
  if (!schema) throw new Error('serveGraphQLOverWebSocket needs a schema or an onSubscribe');
  return async (ctx, id, payload: SubscribePayload) => {
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    const args = { document, operationName: payload.operationName, variableValues: payload.variables };
    const resolved = typeof schema === 'function' ? await schema(ctx, id, payload, args) : schema;
    const errors = validate(resolved, document);
    return errors.length > 0 ? errors : { ...args, schema: resolved };
  };
}

/**
 * A frame ws refuses (over `maxPayload`, malformed, bad UTF-8) makes ws close the socket with
 * the matching code (1009, 1002, 1007) and then emit `error`. graphql-ws's handler for it
 * writes the error and its stack to the console and tries a 4500 close that ws ignores: a
 * client could fill the console at will. It is replaced by one structured log line.
 */
function quietProtocolErrors(socket: WebSocket, request: IncomingMessage, log: Logger | undefined): void {
  socket.removeAllListeners('error');
  socket.once('error', (error: Error & { code?: string }) => {
    log?.info(
      { reason: error.message, wsCode: error.code, peer: request.socket.remoteAddress },
      'websocket closed: protocol error',
    );
    // Normally already closing; if not, this is an error no frame explains.
    if (socket.readyState === WebSocket.OPEN) socket.close(1011, 'Internal error');
  });
}

function withCode(error: GraphQLError | GraphQLFormattedError, code: string): GraphQLFormattedError {
  const formatted = error instanceof GraphQLError ? error.toJSON() : error;
  return { ...formatted, extensions: { ...formatted.extensions, code } };
}
