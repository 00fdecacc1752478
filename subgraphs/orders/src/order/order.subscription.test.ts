import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, sessionsRecorded, uuidOf } from '@marketplace/kit/testing';
import type { FormattedExecutionResult } from 'graphql-ws';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CANCEL, OrderView, customer, paid, paymentOf, placeOrder, startOrders, tokenFor } from '../testing';

let orders: TestSubgraph;
const clients: Client[] = [];
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(async () => {
  await Promise.all(clients.map(async (client) => client.dispose()));
  await orders.close();
});

const ORDER_UPDATED = `subscription($orderId: ID!) { orderUpdated(orderId: $orderId) { id status items { name } statusHistory { to reason } } }`;

type Push = FormattedExecutionResult<{ orderUpdated: Pick<OrderView, 'id' | 'status' | 'items' | 'statusHistory'> }>;

/** A real graphql-ws client on the subgraph's own /graphql, as Apollo Router or a browser would open it. */
function connect(token?: string): Client {
  const client = createClient({
    url: orders.subgraph.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: async () => {
      await sessionsRecorded();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

function follow(client: Client, orderId: string) {
  return client.iterate({ query: ORDER_UPDATED, variables: { orderId } }) as AsyncIterableIterator<Push>;
}

/** The code of the error the server refused the subscription with; nothing follows it. */
async function refusal(client: Client, orderId: string): Promise<string | undefined> {
  const stream = follow(client, orderId);
  // A refused subscribe is one result carrying the errors, then the end of the stream.
  const first = await stream.next();
  expect(first.value.data ?? null).toBeNull();
  expect(await stream.next()).toEqual({ done: true, value: undefined });
  return first.value.errors?.[0].extensions?.code as string | undefined;
}

describe('orderUpdated', () => {
  it('pushes the current order at once, then again when a payment makes it PAID', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const stream = follow(connect(token), order.id);

    const first = await stream.next();
    expect(first.value).toEqual({
      data: {
        orderUpdated: {
          id: order.id,
          status: 'PENDING_PAYMENT',
          items: order.items.map(({ name }) => ({ name })),
          statusHistory: [{ to: 'PENDING_PAYMENT', reason: 'CHECKOUT' }],
        },
      },
    });

    await paid(orders, order);
    const second = await stream.next();
    expect(second.value.data?.orderUpdated).toMatchObject({
      id: order.id,
      status: 'PAID',
      statusHistory: [{ to: 'PENDING_PAYMENT' }, { to: 'PAID', reason: 'PAYMENT_SUCCEEDED' }],
    });
    await stream.return?.();
  });

  it('follows every change: a failed payment, then the owner cancelling', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const stream = follow(connect(token), order.id);
    expect((await stream.next()).value.data?.orderUpdated.status).toBe('PENDING_PAYMENT');
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(order), reason: 'card_declined' });
    expect((await stream.next()).value.data?.orderUpdated.status).toBe('PAYMENT_FAILED');
    await orders.client.data(CANCEL, { variables: { orderId: order.id }, token });
    expect((await stream.next()).value.data?.orderUpdated.status).toBe('CANCELLED');
    await stream.return?.();
  });

  it('pushes the order again when licensing revokes one of its licenses (the status itself moved earlier)', async () => {
    const token = customer();
    const { order, products } = await placeOrder(orders, token);
    await paid(orders, order);
    const stream = follow(connect(token), order.id);
    expect((await stream.next()).value.data?.orderUpdated.status).toBe('PAID');
    await deliverEvent(orders, Events.LicenseRevoked, {
      licenseId: randomUUID(),
      productId: products[0].productId,
      ownerId: uuidOf(order.owner.id),
      orderId: uuidOf(order.id),
      reason: 'REFUNDED',
    });
    expect((await stream.next()).value.data?.orderUpdated.status).toBe('PAID');
    await stream.return?.();
  });

  it('lets an admin follow any order', async () => {
    const { order } = await placeOrder(orders, customer());
    const stream = follow(connect(tokenFor(randomUUID(), 'ADMIN')), order.id);
    expect((await stream.next()).value.data?.orderUpdated.id).toBe(order.id);
    await stream.return?.();
  });

  it('refuses another customer with NOT_FOUND, as for an order that does not exist', async () => {
    const { order } = await placeOrder(orders, customer());
    expect(await refusal(connect(customer()), order.id)).toBe('NOT_FOUND');
  });

  it('refuses a client without a token with UNAUTHENTICATED', async () => {
    const { order } = await placeOrder(orders, customer());
    expect(await refusal(connect(), order.id)).toBe('UNAUTHENTICATED');
  });

  it('refuses an unknown order with NOT_FOUND and a malformed id with BAD_USER_INPUT', async () => {
    const client = connect(customer());
    expect(await refusal(client, globalId('Order', randomUUID()))).toBe('NOT_FOUND');
    expect(await refusal(client, 'not-an-id')).toBe('BAD_USER_INPUT');
    expect(await refusal(client, randomUUID())).toBe('BAD_USER_INPUT');
  });

  it("refuses an id of another type (a Product id as orderId) with BAD_USER_INPUT, even for the order's owner", async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    expect(await refusal(connect(token), globalId('Product', uuidOf(order.id)))).toBe('BAD_USER_INPUT');
  });
});
