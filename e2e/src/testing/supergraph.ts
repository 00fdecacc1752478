import {
  LogCapture,
  GraphQLTestClient,
  TestDatabase,
  createTestDatabase,
  isolatedInfrastructure,
} from '@marketplace/kit/testing';
import { RunningSubgraph, SubgraphModule, envReader, startSubgraph } from '@marketplace/kit';
import { RunningGateway, startGateway } from '@marketplace/gateway';
import { subgraphs as allSubgraphs } from '@marketplace/scripts';

export interface TestSupergraph {
  client: GraphQLTestClient;
  gateway: RunningGateway;
  subgraphs: Map<string, RunningSubgraph>;
  logs: LogCapture;
  database: TestDatabase;
  /** Another gateway in front of the same subgraphs, with settings of its own (closed with the supergraph). */
  startGateway(env: Record<string, string>): Promise<RunningGateway>;
  close(): Promise<void>;
}

/**
 * The whole supergraph for a test: every subgraph on one fresh database and one event
 * namespace (in-process, or RabbitMQ when AMQP_URL is set), behind the gateway serving the
 * committed `schema/supergraph.graphql` — the same contract clients get.
 */
export async function startTestSupergraph(
  env: Record<string, string> = {},
  modules: SubgraphModule[] = allSubgraphs,
): Promise<TestSupergraph> {
  const database = await createTestDatabase();
  const logs = new LogCapture();
  const shared = {
    ...process.env,
    LOG_LEVEL: 'info',
    PASSWORD_HASH_COST: '10',
    ...isolatedInfrastructure(database.name),
    ...env,
  };
  const running = new Map<string, RunningSubgraph>();
  const closeAll = async () => {
    for (const subgraph of [...running.values()].reverse()) await subgraph.close();
    await database.drop();
  };
  try {
    for (const module of modules) {
      running.set(
        module.name,
        await startSubgraph(module, {
          env: envReader(shared),
          port: 0,
          databaseUrl: database.url,
          logDestination: logs,
          startRelay: false,
        }),
      );
    }
    for (const subgraph of running.values()) subgraph.events.relay.start();
    const urls = Object.fromEntries([...running.values()].map((s) => [`${s.name.toUpperCase()}_URL`, s.url]));
    const gatewayWith = (extra: Record<string, string>) =>
      startGateway({
        env: envReader({ ...shared, ...urls, RATE_LIMIT_ENABLED: 'false', ...extra }),
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
