import type { Server } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError } from 'graphql';
import { FormatError, Logger, createErrorFormatter, inputControlsPlugin, operationLogPlugin } from '@marketplace/kit';
import type { GatewayConfig } from '../config';
import { costLimitPlugin } from '../edge/cost';
import { limitRules } from '../edge/limits';
import type { GatewayContext } from '../edge/request-context';
import { responseSizePlugin } from '../edge/response-size';
import { GRAPHQL_PATH } from '../edge/routes';
import { withNodeExistence } from './node-existence';
import { REQUEST_REFUSAL_CODES, operationChecks } from './operation-checks';

export interface ApolloServerDeps {
  gateway: ApolloGateway;
  /** Drained on stop, so operations in flight finish. */
  httpServer: Server;
  formatError: FormatError;
  /** Run after the gateway's own checks: the response cache, then metrics. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  log: Logger;
}

/**
 * The one request pipeline: parsing (token limit), validation with the operation limits, the
 * cost limit, plugins, then @apollo/gateway's plan and execution (with the node existence probes);
 * the response size is checked last.
 */
export function buildApolloServer(config: GatewayConfig, deps: ApolloServerDeps): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    // Shutdown belongs to the process (runUntilSignal): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    // node/nodes answer null for a missing or hidden object: probes added around the gateway's executor.
    gateway: withNodeExistence(deps.gateway),
    logger: deps.log.child({ component: 'apollo-server' }),
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limitRules(config.limits),
    formatError: deps.formatError,
    plugins: [
      operationChecks(GRAPHQL_PATH),
      inputControlsPlugin<GatewayContext>(),
      costLimitPlugin(config.limits),
      responseSizePlugin(config.limits.maxResponseBytes),
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
 * The gateway's own refusals of malformed requests (operation-checks.ts) keep their codes.
 */
export function gatewayErrorFormatter(log: Logger, exposeInternals: boolean): FormatError {
  const format = createErrorFormatter(log, { exposeInternals });
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && REQUEST_REFUSAL_CODES.has(code)) {
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const result = format(formatted, raw);
    if (!result.extensions || !('serviceName' in result.extensions)) return result;
    const { serviceName: _serviceName, ...extensions } = result.extensions;
    return { ...result, extensions };
  };
}
