import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf } from '@marketplace/kit/testing';
import { CANCEL, OrderView, customer, paid, paymentOf, placeOrder, startOrders, tokenFor } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const cancel = (id: string, token?: string) =>
  orders.client.request<{ cancelOrder: OrderView }>(CANCEL, { variables: { id }, token });

describe('cancelOrder', () => {
  it('the owner cancels a PENDING_PAYMENT order: CANCELLED, history reason CUSTOMER, order.cancelled recorded', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const { data } = await cancel(order.id, token);
    expect(data!.cancelOrder.status).toBe('CANCELLED');
    expect(data!.cancelOrder.statusHistory.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      reason: 'CUSTOMER',
    });
    const events = await outboxOf(orders, order.id);
    expect(events.map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
    expect(events[1].payload).toEqual({ orderId: order.id, userId: order.user.id, reason: 'CUSTOMER' });
  });

  it("an admin may cancel someone's unpaid order; so may the owner after a failed payment", async () => {
    const { order } = await placeOrder(orders, customer());
    expect((await cancel(order.id, tokenFor(randomUUID(), 'ADMIN'))).data!.cancelOrder.status).toBe('CANCELLED');
    const token = customer();
    const failed = (await placeOrder(orders, token)).order;
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(failed), reason: 'card_declined' });
    expect((await cancel(failed.id, token)).data!.cancelOrder.status).toBe('CANCELLED');
  });

  it('is CONFLICT for a paid order and for one already cancelled, with the current status', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    await paid(orders, order);
    expect((await cancel(order.id, token)).errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'PAID' });
    const other = (await placeOrder(orders, token)).order;
    await cancel(other.id, token);
    expect((await cancel(other.id, token)).errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      status: 'CANCELLED',
    });
    expect((await outboxOf(orders, other.id)).map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
  });

  it.each([
    ['another customer', 'NOT_FOUND'],
    ['a signed-out caller', 'UNAUTHENTICATED'],
  ])('refuses %s', async (who, code) => {
    const { order } = await placeOrder(orders, customer());
    const token = who === 'another customer' ? customer() : undefined;
    expect((await cancel(order.id, token)).errors?.[0].extensions?.code).toBe(code);
  });

  it("answers another customer's order exactly as one that does not exist, and leaves it unpaid", async () => {
    const { order } = await placeOrder(orders, customer());
    const stranger = customer();
    const hidden = await cancel(order.id, stranger);
    const missing = await cancel(randomUUID(), stranger);
    expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: missing.data, errors: missing.errors });
    expect((await outboxOf(orders, order.id)).map((e) => e.type)).toEqual(['order.created']);
  });

  it('is NOT_FOUND for an unknown order and BAD_USER_INPUT for a malformed id', async () => {
    expect((await cancel(randomUUID(), customer())).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await cancel('nope', customer())).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
