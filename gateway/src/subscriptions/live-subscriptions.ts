import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
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
  Viewer,
  authorizationFrom,
  changeStream,
  serveGraphQLOverWebSocket,
} from '@marketplace/kit';
import { OperationLimits, limitRules } from '../edge/limits';
import { GatewayContext, socketPeerOf } from '../edge/request-context';
import { LiveQuery, toLiveQuery } from './live-query';

/** What a WebSocket connection carries once `connection_init` was accepted. */
interface ConnectionState {
  viewer: Viewer | null;
  authorization: string | undefined;
  clientIp: string;
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
}

/**
 * graphql-ws on the gateway's `/graphql`. `@apollo/gateway` plans subscriptions but cannot
 * execute them, so each subscription runs as its live query (see live-fields.ts) through
 * `apollo.executeOperation`, i.e. the very pipeline of an HTTP query: limits, plugins,
 * query planning, the subscriber's Authorization forwarded to every subgraph. It runs once
 * at the start (a new or reconnecting client gets the current state first) and again on
 * every change notification; a result equal to the last one pushed is not pushed again.
 * Queries and mutations sent over the socket run once through the same pipeline.
 */
export function serveLiveSubscriptions(
  server: Server,
  path: string,
  options: LiveSubscriptionOptions,
): () => Promise<void> {
  const { apollo, verifier, log } = options;
  const contexts = new WeakMap<object, ConnectionState>();

  const run = async (
    state: ConnectionState,
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): Promise<ExecutionResult> => {
    const requestId = randomUUID();
    const contextValue: GatewayContext = {
      requestId,
      clientIp: state.clientIp,
      viewer: state.viewer,
      authorization: state.authorization,
      log: log.child({ requestId, viewerId: state.viewer?.id }),
    };
    const response = await apollo.executeOperation({ query, operationName, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over WebSocket');
    return response.body.singleResult as ExecutionResult;
  };

  return serveGraphQLOverWebSocket(server, path, {
    formatError: options.formatError,
    onConnect: async (ctx) => {
      const authorization = authorizationFrom(ctx.connectionParams);
      let viewer: Viewer | null;
      try {
        viewer = await verifier.fromAuthorizationHeader(authorization);
      } catch (error) {
        log.info(
          { reason: error instanceof Error ? error.message : String(error) },
          'websocket refused: bad access token',
        );
        // graphql-ws closes with 4403 Forbidden; the client sees why in the close reason.
        return false;
      }
      contexts.set(ctx, {
        viewer,
        authorization: viewer ? authorization : undefined,
        clientIp: socketPeerOf(ctx.extra.request),
      });
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      const schema = options.schema();
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: options.limits.maxTokens });
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      const errors = validate(schema, document, [...specifiedRules, ...limitRules(options.limits)]);
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
        live = toLiveQuery(args.schema, args.document, args.operationName ?? undefined, args.variableValues ?? {});
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error] };
        throw error;
      }
      const variables = args.variableValues ?? undefined;
      // Subscribe before the first run, so a change between the two is not missed.
      const changes = await changeStream(options.changes, live.topic);
      await changes.next();
      const first = await run(state, live.query, live.operationName, variables);
      if (isFinal(first)) {
        // Refused or gone (FORBIDDEN, NOT_FOUND, UNAUTHENTICATED…): an error message, no stream.
        await changes.return?.();
        return { errors: first.errors ?? [] } as ExecutionResult;
      }
      return pushes(first, changes, () => run(state, live.query, live.operationName, variables));
    },
  });
}

/** A result without data for its root field: the subscription cannot go on. */
function isFinal(result: ExecutionResult): boolean {
  const data = result.data;
  return !data || Object.values(data).every((value) => value === null || value === undefined);
}

async function* pushes(
  first: ExecutionResult,
  changes: AsyncIterableIterator<void>,
  rerun: () => Promise<ExecutionResult>,
): AsyncGenerator<ExecutionResult> {
  try {
    yield first;
    let last = JSON.stringify(first);
    for await (const _change of changes) {
      const result = await rerun();
      const serialized = JSON.stringify(result);
      if (serialized !== last) yield result;
      last = serialized;
      if (isFinal(result)) return;
    }
  } finally {
    await changes.return?.();
  }
}
