import type { Server } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, GraphQLFormattedError, OperationTypeNode } from 'graphql';
import { FormatError, Logger, createErrorFormatter, inputControlsPlugin, operationLogPlugin } from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import { limitRules } from '../edge/limits';
import type { GatewayContext } from '../edge/request-context';
import { GRAPHQL_PATH } from '../edge/routes';

export interface ApolloServerDeps {
  gateway: ApolloGateway;
  /** Drained on stop, so operations in flight finish. */
  httpServer: Server;
  formatError: FormatError;
  /** Run after the gateway's own checks: the response cache, then metrics. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  log: Logger;
}

/** The one request pipeline: parsing, validation with the operation limits, plugins, then @apollo/gateway's plan and execution. */
export function buildApolloServer(config: GatewayConfig, deps: ApolloServerDeps): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    // Shutdown belongs to the process (runUntilSignal): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    gateway: deps.gateway,
    logger: deps.log.child({ component: 'apollo-server' }),
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitRules(config.limits),
    formatError: deps.formatError,
    plugins: [
      operationChecks(),
      inputControlsPlugin<GatewayContext>(),
      ...deps.plugins,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
      operationLogPlugin<GatewayContext>(),
    ],
  });
}

/**
 * The kit's formatter keeps known codes and their details (`fields`, …) and hides the rest.
 * @apollo/gateway stamps every subgraph error with `serviceName`; that is topology, logged, not sent.
 */
export function gatewayErrorFormatter(log: Logger, exposeInternals: boolean): FormatError {
  const format = createErrorFormatter(log, { exposeInternals });
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const result = format(formatted, raw);
    if (!result.extensions || !('serviceName' in result.extensions)) return result;
    const { serviceName: _serviceName, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}

/**
 * Refusals @apollo/gateway would otherwise answer with a 500: a subscription over HTTP (it
 * cannot execute them; they are served over WebSocket) and an operation name the document
 * does not contain (a client bug, so a 400 naming it).
 */
function operationChecks(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        // Apollo Server has already picked the operation the request names (`operation`), if the document has it.
        async didResolveOperation({ operation, request }) {
          if (request.operationName && !operation) {
            throw new GraphQLError(`Unknown operation named "${request.operationName}"`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            throw new GraphQLError(`Subscriptions are served over WebSocket (graphql-ws) on ${GRAPHQL_PATH}`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
