import type { GatewaySigner } from '../auth/gateway-signature';
import { buildGatewaySigner } from '../auth/subgraph-signing-secret';
import { envReader, readCommonConfig } from '../config';
import { RunningSubgraph, SubgraphModule, startSubgraph } from '../subgraph';
import { TestDatabase, createMigratedTestDatabase } from './database';
import { GraphQLTestClient } from './graphql-client';
import { LogCapture } from './log-capture';

/**
 * Connections per test subgraph. Jest runs two files at once, each possibly a whole
 * supergraph: six subgraphs at the production pool of 10, plus their relays, reached 94 of
 * the 97 connections a default Postgres gives clients, and a burst past that fails with
 * "too many clients". Four keep two supergraphs under 70 and still let requests race.
 */
export const TEST_POOL_SIZE = 4;

/**
 * Redis keys and RabbitMQ exchanges/queues of this test file only, so files can share one
 * server, and a connection pool sized so they can share one Postgres.
 */
export function isolatedInfrastructure(name: string): Record<string, string> {
  return {
    DATABASE_POOL_SIZE: String(TEST_POOL_SIZE),
    REDIS_KEY_PREFIX: `test:${name}`,
    EVENTS_EXCHANGE: `test.${name}.events`,
    EVENTS_DLX: `test.${name}.dlx`,
    EVENTS_QUEUE_PREFIX: `test.${name}.`,
    EVENTS_TEMPORARY_TOPOLOGY: 'true',
  };
}

export interface TestSubgraph {
  subgraph: RunningSubgraph;
  /** Signs as the gateway does, so tests may ask for `_entities` and set `x-client-ip`. */
  client: GraphQLTestClient;
  /** Calls the subgraph's port as anyone could: nothing signed. */
  unsignedClient: GraphQLTestClient;
  /** The gateway's signer on this subgraph's secret, to build signed requests by hand. */
  gatewaySigner: GatewaySigner;
  logs: LogCapture;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts a real subgraph on a free port against its own fresh, migrated database; `env` adds
 * or overrides settings for this subgraph only.
 */
export async function startTestSubgraph(
  module: SubgraphModule,
  env: Record<string, string> = {},
): Promise<TestSubgraph> {
  const database = await createMigratedTestDatabase([module]);
  const logs = new LogCapture();
  const subgraphEnv = envReader({
    ...process.env,
    LOG_LEVEL: 'info',
    ...isolatedInfrastructure(database.name),
    ...env,
  });
  const subgraph = await startSubgraph(module, {
    env: subgraphEnv,
    port: 0,
    databaseUrl: database.url,
    logDestination: logs,
  });
  const signer = buildGatewaySigner(readCommonConfig(subgraphEnv));
  return {
    subgraph,
    client: new GraphQLTestClient(subgraph.url, signer),
    unsignedClient: new GraphQLTestClient(subgraph.url),
    gatewaySigner: signer,
    logs,
    database,
    close: async () => {
      await subgraph.close();
      await database.drop();
    },
  };
}
