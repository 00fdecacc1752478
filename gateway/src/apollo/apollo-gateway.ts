import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, GatewaySigner, Logger } from '@marketplace/kit';
import { GatewayConfig, subgraphEnvPrefix } from '../config';
import { declareCostDirectives } from '../edge/cost-directives';
import { SubgraphDataSource } from '../subgraph-io/subgraph-data-source';
import type { SubgraphFetcher } from '../subgraph-io/subgraph-fetcher';
import { constructedWithApolloTelemetry } from './apollo-telemetry';

export interface ApolloGatewayParts {
  /** The query planner and executor over the supergraph, calling subgraphs through our data source. */
  gateway: ApolloGateway;
  /** Subgraph name → the URL the gateway actually calls (after `<NAME>_URL` overrides), filled in as the supergraph loads. */
  subgraphs: ReadonlyMap<string, string>;
  /** The API schema of the loaded supergraph; throws before it is loaded. */
  apiSchema: () => GraphQLSchema;
}

export function buildApolloGateway(
  config: GatewayConfig,
  deps: { supergraphSdl: string; send: SubgraphFetcher['send']; log: Logger; signer: GatewaySigner },
): ApolloGatewayParts {
  const subgraphs = new Map<string, string>();
  const gateway = constructedWithApolloTelemetry(
    config.apolloTelemetry,
    () =>
      new ApolloGateway({
        supergraphSdl: deps.supergraphSdl,
        logger: deps.log.child({ component: 'apollo-gateway' }),
        buildService: ({ name, url }) => {
          const target = config.subgraphUrlOverride(name) ?? url;
          if (!target)
            throw new ConfigError(
              `${subgraphEnvPrefix(name)}_URL`,
              `is required: the supergraph has no routing URL for subgraph "${name}"`,
            );
          subgraphs.set(name, target);
          return new SubgraphDataSource(name, target, deps.send, deps.log, deps.signer);
        },
      }),
  );
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded, coreSupergraphSdl }) => {
    // The API schema drops @cost/@listSize; the cost limit reads them from the supergraph it came from.
    declareCostDirectives(loaded, coreSupergraphSdl);
    apiSchema = loaded;
  });
  return {
    gateway,
    subgraphs,
    apiSchema: () => {
      if (!apiSchema) throw new Error('the supergraph is not loaded yet');
      return apiSchema;
    },
  };
}

/** The composed supergraph at `SUPERGRAPH_PATH`, or a sentence saying how to make it. */
export function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(
        'SUPERGRAPH_PATH',
        `points to ${path}, which does not exist (run "npm run schema" to compose it)`,
      );
    }
    throw error;
  }
}
