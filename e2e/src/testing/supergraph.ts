import {
  LogCapture,
  GraphQLTestClient,
  TestDatabase,
  createMigratedTestDatabase,
  isolatedInfrastructure,
} from '@marketplace/kit/testing';
import { RunningSubgraph, SchemaVariant, SubgraphModule, envReader, startSubgraph } from '@marketplace/kit';
import { RunningGateway, startGateway } from '@marketplace/gateway';
import { subgraphs as allSubgraphs, supergraphPath, supergraphVariantOf } from '@marketplace/scripts';

export interface TestSupergraph {
  client: GraphQLTestClient;
  gateway: RunningGateway;
  subgraphs: Map<string, RunningSubgraph>;
  logs: LogCapture;
  database: TestDatabase;
  /** The schema variant the subgraphs serve and the gateway's supergraph is (development with PAYMENT_SIMULATION_ENABLED=true). */
  schemaVariant: SchemaVariant;
  /** Another gateway in front of the same subgraphs, with settings of its own (closed with the supergraph). */
  startGateway(env: Record<string, string>): Promise<RunningGateway>;
  close(): Promise<void>;
}

/**
 * The whole supergraph for a test: every subgraph on one fresh, migrated database and one event
 * namespace (in-process, or RabbitMQ when AMQP_URL is set), behind the gateway serving the
 * committed `schema/supergraph.graphql` — the same contract clients get — or, when the
 * subgraphs serve their development surface (`PAYMENT_SIMULATION_ENABLED: 'true'`),
 * `schema/development/supergraph.graphql` (unless `env` names a SUPERGRAPH_PATH).
 */
export async function startTestSupergraph(
  env: Record<string, string> = {},
  modules: SubgraphModule[] = allSubgraphs,
): Promise<TestSupergraph> {
  const database = await createMigratedTestDatabase(modules);
  const logs = new LogCapture();
  const shared = {
    ...process.env,
    LOG_LEVEL: 'info',
    PASSWORD_HASH_COST: '10',
    ...isolatedInfrastructure(database.name),
    ...env,
  };
  const schemaVariant = supergraphVariantOf(modules, envReader(shared));
  const supergraph = env.SUPERGRAPH_PATH ?? supergraphPath(schemaVariant);
  const running = new Map<string, RunningSubgraph>();
  const closeAll = async () => {
    await Promise.all([...running.values()].map((subgraph) => subgraph.close()));
    await database.drop();
  };
  try {
    // Together: a subgraph's start is mostly waiting on Postgres, Redis and RabbitMQ round trips.
    const started = await Promise.allSettled(
      modules.map((module) =>
        startSubgraph(module, {
          env: envReader(shared),
          port: 0,
          databaseUrl: database.url,
          logDestination: logs,
          startRelay: false,
        }),
      ),
    );
    for (const outcome of started) if (outcome.status === 'fulfilled') running.set(outcome.value.name, outcome.value);
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const subgraph of running.values()) subgraph.events.relay.start();
    const urls = Object.fromEntries([...running.values()].map((s) => [`${s.name.toUpperCase()}_URL`, s.url]));
    const gatewayWith = (extra: Record<string, string>) =>
      startGateway({
        env: envReader({ ...shared, SUPERGRAPH_PATH: supergraph, ...urls, RATE_LIMIT_ENABLED: 'false', ...extra }),
        port: 0,
        logDestination: logs,
      });
    const gateway = await gatewayWith({});
    const others: RunningGateway[] = [];
    return {
      client: new GraphQLTestClient(gateway.url),
      gateway,
      subgraphs: running,
      logs,
      database,
      schemaVariant,
      startGateway: async (extra) => {
        const other = await gatewayWith(extra);
        others.push(other);
        return other;
      },
      close: async () => {
        for (const other of others) await other.close();
        await gateway.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

export { until } from '@marketplace/kit/testing';
