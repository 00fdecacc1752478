import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { AccessTokenVerifier } from '../auth/access-token';
import type { GatewaySigner } from '../auth/gateway-signature';
import { entityAnswersOnlyShareable } from '../cache-hints';
import { RequestContext, createRequestContext } from '../context';
import { FormatError, authorizationFrom, serveGraphQLOverWebSocket } from '../http/graphql-ws';
import { operationLogPlugin } from '../http/operation-log';
import { controlCharactersInMessage, inputControlsPlugin } from '../input-controls';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { OperationShapeLimits } from './operation-limits';
import { operationLimitsPlugin, webSocketOperationChecker } from './operation-limits-plugin';

/** What building a request context needs besides the request. */
export interface RequestContextDeps {
  verifier: AccessTokenVerifier;
  log: Logger;
  /** Believe the gateway's `x-client-ip` under its valid signature (the default: subgraphs sit behind the gateway). */
  trustForwardedClientIp: boolean;
  /** Checks the gateway's body and identity signatures (`SUBGRAPH_SIGNING_SECRET`). */
  signer: GatewaySigner;
}

/**
 * Apollo Server on the subgraph's schema: no landing page, no inline traces, cache hints for
 * entity answers only, and the gateway's operation limits for whatever the gateway did not sign.
 */
export function buildSubgraphApolloServer(
  schema: GraphQLSchema,
  deps: { httpServer: Server; formatError: FormatError; metrics: Metrics; limits: OperationShapeLimits },
): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    // Shutdown belongs to the process (runUntilSignal): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    schema,
    formatError: deps.formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
      entityAnswersOnlyShareable(),
      operationLimitsPlugin(deps.limits),
      inputControlsPlugin(),
      deps.metrics.apolloPlugin(),
      operationLogPlugin(),
    ],
  });
}

/**
 * A subgraph with a Subscription type serves it over graphql-ws itself, so Apollo Router can
 * pass subscriptions through: every operation within the operation limits, as over HTTP.
 * Returns the function that closes every socket.
 */
export function serveSubgraphSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: { formatError: FormatError; context: RequestContextDeps; limits: OperationShapeLimits; metrics: Metrics },
): () => Promise<void> {
  if (!schema.getSubscriptionType()) return async () => undefined;
  const check = webSocketOperationChecker(schema, deps.limits);
  return serveGraphQLOverWebSocket(httpServer, '/graphql', {
    schema,
    formatError: deps.formatError,
    log: deps.context.log,
    countSubscriptions: deps.metrics.countSubscriptions,
    onSubscribe: (_ctx, _id, payload) => {
      const checked = check(payload.query);
      if ('errors' in checked) return checked.errors;
      const refused = controlCharactersInMessage(schema, payload);
      if (refused) return refused;
      return {
        schema,
        document: checked.document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
    },
    context: ({ connectionParams, extra }) =>
      createRequestContext(
        {
          // A browser sends the token in connectionParams; Apollo Router (passthrough) may propagate it as an upgrade header.
          headers: {
            ...extra.request.headers,
            authorization: authorizationFrom(connectionParams) ?? extra.request.headers.authorization,
          },
          remoteAddress: extra.request.socket.remoteAddress,
          // Operations over the socket carry no body signature: `_entities` and `_service` stay closed.
          signedByGateway: false,
        },
        deps.context,
      ),
  });
}
