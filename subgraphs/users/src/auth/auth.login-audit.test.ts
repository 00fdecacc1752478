import { Envelope, queryRows } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { login, register, startUsers, uniqueEmail } from '../testing';

/**
 * Failed sign-ins past a threshold are security events: one LOGIN_FAILURES_EXCEEDED audit
 * record per crossing (not per failure), by an ANONYMOUS actor, never holding the password.
 */
const FREE_FAILURES = 3;
const MAX_FAILURES_PER_IP = 8;
const WRONG = 'a wrong password, never to be stored';

let users: TestSubgraph;
beforeAll(async () => {
  users = await startUsers({
    LOGIN_FREE_FAILURES_PER_ACCOUNT_AND_IP: String(FREE_FAILURES),
    LOGIN_BACKOFF_BASE_SECONDS: '1',
    LOGIN_MAX_ATTEMPTS_PER_IP: String(MAX_FAILURES_PER_IP),
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '50',
  });
});
afterAll(() => users.close());

async function throttleRecords() {
  const rows = await queryRows<{ envelope: Envelope<Record<string, unknown>> }>(
    users.subgraph.deps.db,
    `SELECT envelope FROM outbox WHERE type = 'audit.recorded'
       AND envelope->'payload'->>'action' = 'LOGIN_FAILURES_EXCEEDED' ORDER BY position`,
  );
  return rows.map((row) => row.envelope);
}

it('records one audit entry when an account and address cross the threshold, naming the account', async () => {
  const session = await register(users, uniqueEmail('guessed'));
  const before = (await throttleRecords()).length;
  for (let i = 0; i < FREE_FAILURES + 2; i += 1) await login(users.client, session.user.email, WRONG, '10.77.0.1');
  const records = (await throttleRecords()).slice(before);
  expect(records.map((r) => r.payload)).toEqual([
    expect.objectContaining({
      action: 'LOGIN_FAILURES_EXCEEDED',
      actor: { kind: 'ANONYMOUS', userId: null, role: null },
      targetType: 'User',
      targetId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientIp: '10.77.0.1',
      after: expect.objectContaining({ scope: 'ACCOUNT_AND_IP', email: session.user.email, clientIp: '10.77.0.1' }),
    }),
  ]);
  expect(JSON.stringify(records)).not.toContain(WRONG);
});

it('records the crossing once when failures race, and names the address for an unknown email', async () => {
  const email = uniqueEmail('nobody');
  const before = (await throttleRecords()).length;
  await Promise.all(Array.from({ length: FREE_FAILURES + 1 }, () => login(users.client, email, WRONG, '10.77.0.2')));
  const records = (await throttleRecords()).slice(before);
  expect(records.map((r) => r.payload)).toEqual([
    expect.objectContaining({
      targetType: 'ClientAddress',
      targetId: '10.77.0.2',
      after: expect.objectContaining({ scope: 'ACCOUNT_AND_IP', email }),
    }),
  ]);
});

it('records an address crossing its own limit across many accounts once', async () => {
  const before = (await throttleRecords()).length;
  for (let i = 0; i < MAX_FAILURES_PER_IP; i += 1) await login(users.client, uniqueEmail('spray'), WRONG, '10.77.0.3');
  const records = (await throttleRecords()).slice(before).map((r) => r.payload);
  expect(records).toEqual([
    expect.objectContaining({
      targetType: 'ClientAddress',
      targetId: '10.77.0.3',
      after: { scope: 'IP', failures: MAX_FAILURES_PER_IP, clientIp: '10.77.0.3' },
    }),
  ]);
});
