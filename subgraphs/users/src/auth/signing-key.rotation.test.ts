import { generateKeyPairSync } from 'node:crypto';
import {
  Events,
  PayloadOf,
  RunningSubgraph,
  envReader,
  queryRows,
  signingKeyId,
  startSubgraph,
} from '@marketplace/kit';
import { LogCapture, TestDatabase, createTestDatabase, isolatedInfrastructure } from '@marketplace/kit/testing';
import { ACCESS_TOKEN_KEY_PURPOSE, usersSubgraph } from '../index';
import { TEST_ENV } from '../testing';

/**
 * Rotating the access tokens' key is starting users with another JWT key pair: the start
 * records KEY_ROTATED (SYSTEM) for the audit trail; the first key and a restart are none.
 */
type AuditPayload = PayloadOf<typeof Events.AuditRecorded>;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

async function startedWith(keys: ReturnType<typeof keyPair>): Promise<RunningSubgraph> {
  return startSubgraph(usersSubgraph, {
    env: envReader({ ...process.env, ...TEST_ENV, ...isolatedInfrastructure(database.name), ...keys }),
    port: 0,
    databaseUrl: database.url,
    logDestination: new LogCapture(),
  });
}

const auditsOf = async (subgraph: RunningSubgraph) =>
  (
    await queryRows<{ payload: AuditPayload }>(
      subgraph.deps.db,
      `SELECT envelope->'payload' AS payload FROM outbox WHERE envelope->>'type' = $1 ORDER BY position`,
      [Events.AuditRecorded.type],
    )
  ).map((row) => row.payload);

it('a start with another JWT key records KEY_ROTATED with both key ids; the first start and a restart record nothing', async () => {
  const first = keyPair();
  for (let start = 0; start < 2; start += 1) {
    const subgraph = await startedWith(first);
    expect(await auditsOf(subgraph)).toEqual([]);
    await subgraph.close();
  }
  const second = keyPair();
  const subgraph = await startedWith(second);
  try {
    expect(await auditsOf(subgraph)).toEqual([
      expect.objectContaining({
        action: 'KEY_ROTATED',
        actor: { kind: 'SYSTEM', userId: null, role: null },
        targetType: 'SigningKey',
        targetId: signingKeyId(second.JWT_PUBLIC_KEY),
        before: { purpose: ACCESS_TOKEN_KEY_PURPOSE, keyId: signingKeyId(first.JWT_PUBLIC_KEY) },
        after: { purpose: ACCESS_TOKEN_KEY_PURPOSE, keyId: signingKeyId(second.JWT_PUBLIC_KEY) },
      }),
    ]);
  } finally {
    await subgraph.close();
  }
});
