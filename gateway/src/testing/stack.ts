import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import {
  AccessTokenSigner,
  Role,
  SubgraphModule,
  Viewer,
  buildSubgraphSchemaOf,
  envReader,
  loadTokenKeys,
  printSubgraphSdl,
  readCommonConfig,
} from '@marketplace/kit';
import {
  GraphQLTestClient,
  LogCapture,
  TEST_SESSION_VERSION,
  TestSubgraph,
  recordTestSession,
  startTestSubgraph,
} from '@marketplace/kit/testing';
import { GatewayOptions, RunningGateway, startGateway } from '../gateway';
import { ProbeStats, createProbeSubgraph } from './fixture-subgraph';

/** Composes a one-subgraph supergraph on the fly, routed to `url`. */
export async function composeSupergraph(module: SubgraphModule, url: string): Promise<string> {
  const typeDefs = parse(printSubgraphSdl(await buildSubgraphSchemaOf(module)));
  const result = composeServices([{ name: module.name, typeDefs, url }]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

export interface TestGateway {
  gateway: RunningGateway;
  client: GraphQLTestClient;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * A gateway over `supergraphSdl`, sharing `dataDir` (and so the dev signing keys) with its
 * subgraphs. Each one gets its own `REDIS_KEY_PREFIX` (unless `env` names one), so its
 * rate-limit counters start at zero even when test runs share one Redis.
 */
export async function startTestGateway(
  supergraphSdl: string,
  dataDir: string,
  env: Record<string, string> = {},
  options: Pick<GatewayOptions, 'mailbox'> = {},
): Promise<TestGateway> {
  const logs = new LogCapture();
  const gateway = await startGateway({
    env: envReader({
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      REDIS_KEY_PREFIX: `test:gateway:${randomBytes(6).toString('hex')}`,
      ...env,
    }),
    port: 0,
    host: '127.0.0.1',
    supergraphSdl,
    logDestination: logs,
    mailbox: options.mailbox,
  });
  return { gateway, client: new GraphQLTestClient(gateway.url), logs, close: () => gateway.close() };
}

/** The probe subgraph behind a gateway, plus a signer for access tokens both accept. */
export interface ProbeStack extends TestGateway {
  probe: TestSubgraph;
  stats: ProbeStats;
  dataDir: string;
  supergraphSdl: string;
  /** Signs with the stack's keys and records the subject's session, as the users subgraph does at sign-in. */
  signer: { sign(viewer: Viewer, ttlSeconds?: number, sessionId?: string): string };
  token(role?: Role, ttlSeconds?: number): string;
  /** Stops the probe subgraph (idempotent), leaving the gateway running. */
  stopSubgraph(): Promise<void>;
  /** Requests the probe subgraph received while `work` ran. */
  subgraphCallsDuring(work: () => Promise<unknown>): Promise<number>;
}

export async function startProbeStack(gatewayEnv: Record<string, string> = {}): Promise<ProbeStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const { module, stats } = createProbeSubgraph();
  const probe = await startTestSubgraph(module, { DATA_DIR: dataDir });
  let stopped: Promise<void> | undefined;
  const stopSubgraph = () => (stopped ??= probe.close());
  try {
    const supergraphSdl = await composeSupergraph(module, probe.subgraph.url);
    // One change-feed namespace for both, as in a deployment: the probe's notifications reach the gateway.
    const gateway = await startTestGateway(supergraphSdl, dataDir, {
      REDIS_KEY_PREFIX: probe.subgraph.deps.config.redisKeyPrefix,
      ...gatewayEnv,
    });
    const config = readCommonConfig(envReader({ ...process.env, DATA_DIR: dataDir }));
    const keys = loadTokenKeys(config);
    const keySigner = new AccessTokenSigner(keys.privateKeyPem!, {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
    const signer = {
      sign: (viewer: Viewer, ttlSeconds?: number, sessionId?: string) => {
        recordTestSession(viewer.id);
        return keySigner.sign(viewer, TEST_SESSION_VERSION, ttlSeconds, { id: sessionId });
      },
    };
    return {
      ...gateway,
      probe,
      stats,
      dataDir,
      supergraphSdl,
      signer,
      token: (role = Role.CUSTOMER, ttlSeconds) => signer.sign({ id: `user-${role.toLowerCase()}`, role }, ttlSeconds),
      stopSubgraph,
      subgraphCallsDuring: async (work) => {
        const before = stats.graphqlRequests;
        await work();
        return stats.graphqlRequests - before;
      },
      close: async () => {
        await gateway.close();
        await stopSubgraph();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopSubgraph();
    throw error;
  }
}
