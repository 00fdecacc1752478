import { envReader } from '../config';
import { RunningSubgraph, SubgraphModule, startSubgraph } from '../subgraph';
import { TestDatabase, createTestDatabase } from './database';
import { GraphQLTestClient } from './graphql-client';
import { LogCapture } from './log-capture';

/** Redis keys and RabbitMQ exchanges/queues of this test file only, so files can share one server. */
export function isolatedInfrastructure(name: string): Record<string, string> {
  return {
    REDIS_KEY_PREFIX: `test:${name}`,
    EVENTS_EXCHANGE: `test.${name}.events`,
    EVENTS_DLX: `test.${name}.dlx`,
    EVENTS_QUEUE_PREFIX: `test.${name}.`,
    EVENTS_TEMPORARY_TOPOLOGY: 'true',
  };
}

export interface TestSubgraph {
  subgraph: RunningSubgraph;
  client: GraphQLTestClient;
  logs: LogCapture;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts a real subgraph on a free port against its own fresh database; `env` adds or
 * overrides settings for this subgraph only.
 */
export async function startTestSubgraph(module: SubgraphModule, env: Record<string, string> = {}): Promise<TestSubgraph> {
  const database = await createTestDatabase();
  const logs = new LogCapture();
  const subgraph = await startSubgraph(module, {
    env: envReader({ ...process.env, LOG_LEVEL: 'info', ...isolatedInfrastructure(database.name), ...env }),
    port: 0,
    databaseUrl: database.url,
    logDestination: logs,
  });
  return {
    subgraph,
    client: new GraphQLTestClient(subgraph.url),
    logs,
    database,
    close: async () => {
      await subgraph.close();
      await database.drop();
    },
  };
}
