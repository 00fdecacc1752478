import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  GraphQLError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import {
  AccessTokenVerifier,
  ChangeFeed,
  FormatError,
  Logger,
  SubscriptionCounter,
  TokenSession,
  Viewer,
  authorizationFrom,
  changeStream,
  noticeStream,
  serveGraphQLOverWebSocket,
} from '@marketplace/kit';
import { WebSocket } from 'ws';
import { OperationLimits, limitRules } from '../edge/limits';
import { RequestRateLimiter, tooManyRequests } from '../edge/rate-limit';
import { GatewayContext, socketPeerOf } from '../edge/request-context';
import { ApiKeyExchange, isApiKeyAuthorization } from '../edge/api-key-exchange';
import { LiveQuery, toLiveQuery } from './live-query';
import { OpenSockets, TOO_MANY_CONNECTIONS_CLOSE_CODE, WebSocketSettings } from './socket-limits';
import { SocketApiKey, SocketApiKeys } from './socket-api-keys';
import { SocketSessions } from './socket-sessions';

export { SESSION_ENDED_CLOSE_CODE } from './socket-sessions';

/** What a WebSocket connection carries once `connection_init` was accepted. */
interface ConnectionState {
  viewer: Viewer | null;
  authorization: string | undefined;
  clientIp: string;
  /** A socket opened with an API key: its operations forward the key's current token (socket-api-keys.ts). */
  apiKey?: SocketApiKey;
}

export interface LiveSubscriptionOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The API schema of the loaded supergraph. */
  schema: () => GraphQLSchema;
  changes: ChangeFeed;
  verifier: AccessTokenVerifier;
  limits: OperationLimits & { maxTokens: number };
  formatError: FormatError;
  log: Logger;
  /** The HTTP limiter: each operation sent over a socket spends the same budget. Absent when rate limits are off. */
  rateLimiter?: Pick<RequestRateLimiter, 'limit'>;
  webSocket: WebSocketSettings;
  /** The client of an upgrade request, as `TRUST_PROXY` resolves it; the socket peer by default. */
  clientIpOf?: (request: IncomingMessage) => string;
  /** How often signed-in sockets are checked for an ended session (SESSION_SWEEP_INTERVAL_MS by default). */
  sessionSweepIntervalMs?: number;
  /** Where the gateway's `graphql_subscriptions_open` reads how many are followed. */
  countSubscriptions?: SubscriptionCounter;
  /** Vendors' API keys in `connectionParams.authorization`; absent: refused like any bad token. */
  apiKeys?: ApiKeyExchange;
}

/** How often open signed-in sockets are checked for an ended session: a suspension cuts them within this (plus a second of session-version caching). */
export const SESSION_SWEEP_INTERVAL_MS = 2_000;

/**
 * graphql-ws on the gateway's `/graphql`. `@apollo/gateway` plans subscriptions but cannot
 * execute them, so each subscription runs as its live query (see live-fields.ts) through
 * `apollo.executeOperation`, i.e. the very pipeline of an HTTP query: limits, plugins,
 * query planning, the subscriber's Authorization forwarded to every subgraph. It runs once
 * at the start (a new or reconnecting client gets the current state first) and again on
 * every change notification; a result equal to the last one pushed is not pushed again.
 * Queries and mutations sent over the socket run once through the same pipeline.
 *
 * Limits, as over HTTP and on the same counters: every `subscribe` message spends one request
 * of its user's budget (or its IP's, anonymous) before it is parsed, and over the budget it
 * gets an `error` message with RATE_LIMITED and `retryAfterSeconds`, the socket staying open;
 * a subscription's re-runs on change notices are the server's doing and spend nothing. The
 * kit caps message size and operations in flight per socket; sockets are capped here, per IP
 * from the moment a socket opens and per user once `connection_init` names one (a signed-in
 * socket then leaves its IP's count, as its operations do): one more is closed with 4429.
 * A socket opened with a vendor's API key is its owner's for these caps; its operations spend
 * the key's budget and run under the key's current token (socket-api-keys.ts).
 */
export function serveLiveSubscriptions(
  server: Server,
  path: string,
  options: LiveSubscriptionOptions,
): () => Promise<void> {
  const { apollo, verifier, log, rateLimiter, webSocket, clientIpOf = socketPeerOf } = options;
  const sessions = new SocketSessions(verifier, log);
  const keySockets = options.apiKeys && new SocketApiKeys(options.apiKeys, verifier, log);
  const sweep = setInterval(() => {
    void sessions.sweep();
    void keySockets?.sweep();
  }, options.sessionSweepIntervalMs ?? SESSION_SWEEP_INTERVAL_MS);
  sweep.unref();
  const contexts = new WeakMap<object, ConnectionState>();
  const socketsPerIp = new OpenSockets(webSocket.maxSocketsPerIp);
  const socketsPerUser = new OpenSockets(webSocket.maxSocketsPerUser);
  /** A socket's place in its IP's count, given back when it signs in. */
  const ipPlaces = new WeakMap<WebSocket, () => void>();

  const refuseSocket = (socket: WebSocket, holder: string, reason: string) => {
    log.info({ holder, reason }, 'websocket refused: too many sockets');
    socket.close(TOO_MANY_CONNECTIONS_CLOSE_CODE, reason);
  };

  /** RATE_LIMITED when this operation is over its subject's budget; nothing while the store is down (fail open). */
  const overBudget = async (state: ConnectionState) => {
    const decision = await rateLimiter?.limit(
      state.apiKey
        ? { kind: 'apiKey', id: state.apiKey.id }
        : state.viewer
          ? { kind: 'user', id: state.viewer.id }
          : { kind: 'ip', address: state.clientIp },
      log,
    );
    return decision && !decision.allowed ? tooManyRequests(decision.resetSeconds) : undefined;
  };

  const run = async (
    state: ConnectionState,
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): Promise<ExecutionResult> => {
    const requestId = randomUUID();
    let authorization = state.authorization;
    if (state.apiKey && keySockets) {
      try {
        authorization = await keySockets.authorization(state.apiKey, requestId);
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
    }
    const contextValue: GatewayContext = {
      requestId,
      clientIp: state.clientIp,
      viewer: state.viewer,
      authorization,
      log: log.child({ requestId, viewerId: state.viewer?.id, apiKeyId: state.apiKey?.id }),
    };
    const response = await apollo.executeOperation({ query, operationName, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over WebSocket');
    return response.body.singleResult as ExecutionResult;
  };

  /** `connection_init` with a key: counted against its owner's sockets like a person's (socket-api-keys.ts). */
  const connectWithApiKey = async (socket: WebSocket, header: string, clientIp: string) => {
    const verified = await keySockets!.connect(socket, header, clientIp, rateLimiter);
    if (!verified) return undefined;
    const { grant, session } = verified;
    if (!socketsPerUser.admit(session.viewer.id, socket)) {
      refuseSocket(socket, `user:${session.viewer.id}`, 'Too many connections for this user');
      return undefined;
    }
    ipPlaces.get(socket)?.();
    const apiKey: SocketApiKey = { header, id: grant.apiKeyId, socket, clientIp };
    keySockets!.watch(apiKey);
    return { viewer: session.viewer, authorization: grant.authorization, clientIp, apiKey } satisfies ConnectionState;
  };

  const close = serveGraphQLOverWebSocket(server, path, {
    formatError: options.formatError,
    log,
    limits: { maxMessageBytes: webSocket.maxMessageBytes, maxOperationsInFlight: webSocket.maxOperationsInFlight },
    countSubscriptions: options.countSubscriptions,
    onSocketOpen: (socket, request) => {
      const clientIp = clientIpOf(request);
      const place = socketsPerIp.admit(clientIp, socket);
      if (place) ipPlaces.set(socket, place);
      else refuseSocket(socket, `ip:${clientIp}`, 'Too many connections from this address');
    },
    onConnect: async (ctx) => {
      const { socket, request } = ctx.extra;
      // Refused as it opened; a connection_init it sent at once must not count it again.
      if (socket.readyState !== WebSocket.OPEN) return false;
      const clientIp = clientIpOf(request);
      const authorization = authorizationFrom(ctx.connectionParams);
      if (keySockets && isApiKeyAuthorization(authorization)) {
        const state = await connectWithApiKey(socket, authorization, clientIp);
        if (state) contexts.set(ctx, state);
        return state !== undefined;
      }
      let session: TokenSession | null;
      try {
        session = await verifier.sessionFromAuthorizationHeader(authorization);
      } catch (error) {
        // As over HTTP, a bad token spends its IP's budget before it is refused.
        await rateLimiter?.limit({ kind: 'ip', address: clientIp }, log);
        log.info(
          { reason: error instanceof Error ? error.message : String(error) },
          'websocket refused: bad access token',
        );
        // graphql-ws closes with 4403 Forbidden; the client sees why in the close reason.
        return false;
      }
      const viewer = session?.viewer ?? null;
      if (session && viewer) {
        if (!socketsPerUser.admit(viewer.id, socket)) {
          refuseSocket(socket, `user:${viewer.id}`, 'Too many connections for this user');
          return false;
        }
        ipPlaces.get(socket)?.();
        sessions.watch(socket, viewer.id, session.sessionVersion, session.sessionId);
      }
      contexts.set(ctx, { viewer, authorization: viewer ? authorization : undefined, clientIp });
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      const state = contexts.get(ctx);
      // graphql-ws accepts `subscribe` only after onConnect said yes, which stored the state.
      if (!state) return [new GraphQLError('Unauthorized')];
      const refused = await overBudget(state);
      if (refused) return [refused];
      const schema = options.schema();
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: options.limits.maxTokens });
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      // The HTTP limits, the caller's cost budget included (over HTTP, costLimitPlugin applies it).
      const request = { signedIn: Boolean(contexts.get(ctx)?.viewer), variables: payload.variables };
      const errors = validate(schema, document, [...specifiedRules, ...limitRules(options.limits, request)]);
      if (errors.length > 0) return errors;
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: payload.operationName ?? undefined,
        variableValues: payload.variables ?? undefined,
        contextValue: { state: contexts.get(ctx), query: payload.query },
      };
      return args;
    },
    execute: async (args) => {
      const { state, query } = args.contextValue as { state: ConnectionState; query: string };
      return run(state, query, args.operationName ?? undefined, args.variableValues ?? undefined);
    },
    subscribe: async (args) => {
      const { state } = args.contextValue as { state: ConnectionState };
      let live: LiveQuery;
      try {
        live = toLiveQuery(
          args.schema,
          args.document,
          args.operationName ?? undefined,
          args.variableValues ?? {},
          state.viewer,
        );
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
      const variables = args.variableValues ?? undefined;
      if (live.noticeVariables) {
        // Each notice names a new subject: one run per notice, nothing before the first.
        const notices = await noticeStream(options.changes, live.topic);
        const noticeVariables = live.noticeVariables;
        return noticePushes(notices, async (message) =>
          live.payloadOf(await run(state, live.query, live.operationName, noticeVariables(message))),
        );
      }
      // Subscribe before the first run, so a change between the two is not missed.
      const changes = await changeStream(options.changes, live.topic);
      await changes.next();
      const runLive = async () => live.payloadOf(await run(state, live.query, live.operationName, variables));
      const first = await runLive();
      if (!live.pushesCurrent) {
        // Only what is added: the first run checks access and marks what was there already;
        // a rerun answering nothing (or the same) pushes nothing.
        if ((first.errors?.length ?? 0) > 0) {
          await changes.return?.();
          return { errors: first.errors ?? [] } as ExecutionResult;
        }
        return pushes(first, changes, runLive, { pushFirst: false });
      }
      if (isFinal(first)) {
        // Refused or gone (FORBIDDEN, NOT_FOUND, UNAUTHENTICATED…): an error message, no stream.
        await changes.return?.();
        return { errors: withSubjectGone(first).errors ?? [] } as ExecutionResult;
      }
      return pushes(first, changes, async () => withSubjectGone(await runLive()), { pushFirst: true });
    },
  });
  return async () => {
    clearInterval(sweep);
    await close();
  };
}

/** A result without data for its root field: the subscription cannot go on. */
function isFinal(result: ExecutionResult): boolean {
  const data = result.data;
  return !data || Object.values(data).every((value) => value === null || value === undefined);
}

/**
 * A lookup answers `null` without an error for an object that is missing or hidden
 * (docs/api-conventions.md §2); a subscription's subject, like a mutation's, is NOT_FOUND.
 */
function withSubjectGone(result: ExecutionResult): ExecutionResult {
  if (!isFinal(result) || (result.errors?.length ?? 0) > 0) return result;
  return { ...result, errors: [new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } })] };
}

/**
 * The pushes of one subscription. An async generator's `return()` (the client's `complete`)
 * waits for its pending `next()`, which waits for a change that may never come: the
 * subscription would hold its change-feed listener and its place in flight until then. So
 * `return()` ends the change stream first, which ends that wait at once.
 */
function pushes(
  first: ExecutionResult,
  changes: AsyncIterableIterator<void>,
  rerun: () => Promise<ExecutionResult>,
  options: { pushFirst: boolean },
): AsyncGenerator<ExecutionResult> {
  const generator = pushesOf(first, changes, rerun, options);
  const end = generator.return.bind(generator);
  generator.return = async (value) => {
    await changes.return?.();
    return end(value);
  };
  return generator;
}

async function* pushesOf(
  first: ExecutionResult,
  changes: AsyncIterableIterator<void>,
  rerun: () => Promise<ExecutionResult>,
  { pushFirst }: { pushFirst: boolean },
): AsyncGenerator<ExecutionResult> {
  try {
    if (pushFirst) yield first;
    let last = JSON.stringify(first);
    for await (const _change of changes) {
      const result = await rerun();
      // An "added" stream pushes only something new: not nothing (no notification yet, or none visible).
      if (!pushFirst && isFinal(result) && (result.errors?.length ?? 0) === 0) continue;
      const serialized = JSON.stringify(result);
      if (serialized !== last) yield result;
      last = serialized;
      if (pushFirst && isFinal(result)) return;
    }
  } finally {
    await changes.return?.();
  }
}

/**
 * The pushes of a subscription whose notices name their subject: one run per notice, pushed
 * unless it answers nothing (a subject the viewer may not see, or gone already). Ending it
 * ends the notice stream first, as `pushes` does.
 */
function noticePushes(
  notices: AsyncIterableIterator<string>,
  runFor: (message: string) => Promise<ExecutionResult>,
): AsyncGenerator<ExecutionResult> {
  async function* generate(): AsyncGenerator<ExecutionResult> {
    try {
      for await (const message of notices) {
        const result = await runFor(message);
        if (isFinal(result) && (result.errors?.length ?? 0) === 0) continue;
        yield result;
      }
    } finally {
      await notices.return?.();
    }
  }
  const generator = generate();
  const end = generator.return.bind(generator);
  generator.return = async (value) => {
    await notices.return?.();
    return end(value);
  };
  return generator;
}
