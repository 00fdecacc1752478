import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import type { Client } from 'graphql-ws';
import { startNotifications } from '../testing';

/** `notificationAdded` on the subgraph's own socket (the gateway serves it as a live query; see e2e). */
let notifications: TestSubgraph;
const clients: Client[] = [];
beforeAll(async () => {
  notifications = await startNotifications();
});
afterAll(async () => {
  await Promise.all(clients.map(async (client) => client.dispose()));
  await notifications.close();
});

const ADDED = 'subscription { notificationAdded { id kind title read } }';

const connect = (token?: string) => {
  const client = subscriptionClient(notifications.subgraph.url, token);
  clients.push(client);
  return client;
};

it("pushes the viewer's new notifications, not before, and not someone else's", async () => {
  const owner = person();
  const other = person();
  await deliverEvent(notifications, Events.LicenseIssued, {
    licenseId: randomUUID(),
    productId: randomUUID(),
    ownerId: owner.id,
    orderId: randomUUID(),
  });
  const stream = subscribe<{ notificationAdded: { kind: string } }>(connect(owner.token), ADDED);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(stream.pushes).toEqual([]);
  await deliverEvent(notifications, Events.LicenseIssued, {
    licenseId: randomUUID(),
    productId: randomUUID(),
    ownerId: other.id,
    orderId: randomUUID(),
  });
  await deliverEvent(notifications, Events.LicenseRevoked, {
    licenseId: randomUUID(),
    productId: randomUUID(),
    ownerId: owner.id,
    orderId: randomUUID(),
    reason: 'REFUNDED',
  });
  const pushed = await stream.push(1);
  expect(pushed.data?.notificationAdded).toMatchObject({ kind: 'LICENSE_REVOKED', read: false });
  expect(stream.pushes).toHaveLength(1);
  stream.unsubscribe();
});

it('refuses a signed-out subscriber with UNAUTHENTICATED', async () => {
  const stream = subscribe(connect(), ADDED);
  const errors = await stream.ended;
  const codes = [...errors, ...stream.pushes.flatMap((push) => push.errors ?? [])].map(
    (error) => error.extensions?.code,
  );
  expect(codes).toEqual(['UNAUTHENTICATED']);
});
