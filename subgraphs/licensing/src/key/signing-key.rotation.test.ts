import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { Events, PayloadOf, RunningSubgraph, envReader, queryRows, startSubgraph } from '@marketplace/kit';
import { LogCapture, TestDatabase, createTestDatabase, isolatedInfrastructure } from '@marketplace/kit/testing';
import { LICENSE_KEY_PURPOSE, licensingSubgraph } from '../index';
import { keyIdOf } from './signing-key';

/**
 * Rotating the license signing key is starting with another LICENSE_SIGNING_KEY: the start
 * notices and records KEY_ROTATED (SYSTEM) for the audit trail, once however many replicas
 * start with the new key together.
 */
type AuditPayload = PayloadOf<typeof Events.AuditRecorded>;

let database: TestDatabase;
const running: RunningSubgraph[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const subgraph of running) await subgraph.close();
  await database.drop();
});

const newKey = () => generateKeyPairSync('ed25519').privateKey;
const pemOf = (key: ReturnType<typeof newKey>) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyIdOfKey = (key: ReturnType<typeof newKey>) => keyIdOf(createPublicKey(key));

async function start(key: ReturnType<typeof newKey>): Promise<RunningSubgraph> {
  const subgraph = await startSubgraph(licensingSubgraph, {
    env: envReader({
      ...process.env,
      ...isolatedInfrastructure(database.name),
      LICENSE_SIGNING_KEY: pemOf(key),
    }),
    port: 0,
    databaseUrl: database.url,
    logDestination: new LogCapture(),
  });
  running.push(subgraph);
  return subgraph;
}

async function stop(subgraph: RunningSubgraph) {
  running.splice(running.indexOf(subgraph), 1);
  await subgraph.close();
}

const rotations = async (subgraph: RunningSubgraph) =>
  (
    await queryRows<{ envelope: { source: string; payload: AuditPayload } }>(
      subgraph.deps.db,
      `SELECT envelope FROM outbox WHERE envelope->>'type' = $1 ORDER BY position`,
      [Events.AuditRecorded.type],
    )
  ).map((row) => row.envelope);

it('the first key is no rotation; a restart with the same key neither; another key is KEY_ROTATED, once for concurrent replicas', async () => {
  const first = newKey();
  let subgraph = await start(first);
  expect(await rotations(subgraph)).toEqual([]);
  await stop(subgraph);
  subgraph = await start(first);
  expect(await rotations(subgraph)).toEqual([]);
  await stop(subgraph);

  const second = newKey();
  const replicas = await Promise.all([start(second), start(second), start(second)]);
  const recorded = await rotations(replicas[0]);
  expect(recorded).toHaveLength(1);
  expect(recorded[0].source).toBe('licensing');
  expect(recorded[0].payload).toEqual({
    action: 'KEY_ROTATED',
    actor: { kind: 'SYSTEM', userId: null, role: null },
    targetType: 'SigningKey',
    targetId: keyIdOfKey(second),
    before: { purpose: LICENSE_KEY_PURPOSE, keyId: keyIdOfKey(first) },
    after: { purpose: LICENSE_KEY_PURPOSE, keyId: keyIdOfKey(second) },
    requestId: expect.stringMatching(/^startup-/),
    clientIp: null,
  });
  for (const replica of replicas) await stop(replica);

  // Going back to the first key is a rotation too.
  subgraph = await start(first);
  const back = await rotations(subgraph);
  expect(back).toHaveLength(2);
  expect(back[1].payload).toMatchObject({ targetId: keyIdOfKey(first), before: { keyId: keyIdOfKey(second) } });
});
