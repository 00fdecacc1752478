import { randomUUID } from 'node:crypto';
import { Role, createSessionVersions, readCommonConfig } from '@marketplace/kit';
import { globalId, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import type { Client } from 'graphql-ws';
import { ProbeStack, startProbeStack } from '../testing/stack';
import { SESSION_ENDED_CLOSE_CODE } from './live-subscriptions';

/**
 * A socket's token is verified once, at connection_init; the gateway's session sweep closes a
 * socket whose session ended since (a suspension, a logout), within seconds and without a
 * change notice, and leaves everyone else's sockets alone.
 */
let stack: ProbeStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startProbeStack();
});
afterAll(async () => {
  await Promise.all(clients.map(async (client) => client.dispose()));
  await stack.close();
});

const ORDER_UPDATED = 'subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }';

async function order(): Promise<string> {
  const id = globalId('Order', randomUUID());
  await stack.client.data(
    'mutation($id: ID!, $status: String!, $notify: Boolean) { setProbeOrderStatus(id: $id, status: $status, notify: $notify) }',
    { variables: { id, status: 'PENDING_PAYMENT', notify: false }, token: stack.token(Role.ADMIN) },
  );
  return id;
}

it('closes the sockets of a user whose session ended with 4401 within seconds; others stay open', async () => {
  const ended = `user-${randomUUID()}`;
  const other = `user-${randomUUID()}`;
  const closes: number[] = [];
  const endedClient = subscriptionClient(stack.gateway.url, stack.signer.sign({ id: ended, role: Role.CUSTOMER }), {
    onClose: (code) => closes.push(code),
  });
  const otherClient = subscriptionClient(stack.gateway.url, stack.signer.sign({ id: other, role: Role.CUSTOMER }));
  clients.push(endedClient, otherClient);
  const id = await order();
  const endedLive = subscribe(endedClient, ORDER_UPDATED, { id });
  const otherLive = subscribe(otherClient, ORDER_UPDATED, { id });
  await Promise.all([endedLive.push(1), otherLive.push(1)]);

  // The users subgraph ends the session (suspension, logout…): the version rises in the session store.
  const sessions = createSessionVersions(readCommonConfig());
  const started = Date.now();
  try {
    await sessions.raise(ended, 2);
  } finally {
    await sessions.close();
  }
  const errors = await Promise.race([
    endedLive.ended,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still open after 5 s')), 5_000)),
  ]);
  expect(errors).toEqual([{ message: `closed ${SESSION_ENDED_CLOSE_CODE} Session ended` }]);
  expect(closes).toEqual([SESSION_ENDED_CLOSE_CODE]);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(stack.logs.records()).toContainEqual(
    expect.objectContaining({ msg: 'websocket closed: session ended', userId: ended }),
  );

  // The other user's subscription still pushes.
  await stack.client.data(
    'mutation($id: ID!, $status: String!, $notify: Boolean) { setProbeOrderStatus(id: $id, status: $status, notify: $notify) }',
    { variables: { id, status: 'PAID', notify: true }, token: stack.token(Role.ADMIN) },
  );
  expect((await otherLive.push(2)).data).toEqual({ orderUpdated: { id, status: 'PAID' } });
});

it("closes the socket of a session ended alone (revokeSession); the same user's other session stays open", async () => {
  const userId = `user-${randomUUID()}`;
  const [revoked, kept] = [randomUUID(), randomUUID()];
  const viewer = { id: userId, role: Role.CUSTOMER };
  const closes: number[] = [];
  const revokedClient = subscriptionClient(stack.gateway.url, stack.signer.sign(viewer, undefined, revoked), {
    onClose: (code) => closes.push(code),
  });
  const keptClient = subscriptionClient(stack.gateway.url, stack.signer.sign(viewer, undefined, kept));
  clients.push(revokedClient, keptClient);
  const id = await order();
  const revokedLive = subscribe(revokedClient, ORDER_UPDATED, { id });
  const keptLive = subscribe(keptClient, ORDER_UPDATED, { id });
  await Promise.all([revokedLive.push(1), keptLive.push(1)]);

  // The users subgraph ends one session: a record of its own, the user's version unchanged.
  const sessions = createSessionVersions(readCommonConfig());
  try {
    await sessions.endSessions([revoked]);
  } finally {
    await sessions.close();
  }
  const errors = await Promise.race([
    revokedLive.ended,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still open after 5 s')), 5_000)),
  ]);
  expect(errors).toEqual([{ message: `closed ${SESSION_ENDED_CLOSE_CODE} Session ended` }]);
  expect(closes).toEqual([SESSION_ENDED_CLOSE_CODE]);
  await stack.client.data(
    'mutation($id: ID!, $status: String!, $notify: Boolean) { setProbeOrderStatus(id: $id, status: $status, notify: $notify) }',
    { variables: { id, status: 'PAID', notify: true }, token: stack.token(Role.ADMIN) },
  );
  expect((await keptLive.push(2)).data).toEqual({ orderUpdated: { id, status: 'PAID' } });
});
