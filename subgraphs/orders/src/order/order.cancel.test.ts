import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, outboxOf, uuidOf } from '@marketplace/kit/testing';
import { CANCEL, OrderView, admin, customer, paid, paymentOf, placeOrder, startOrders } from '../testing';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const cancel = async (orderId: string, token?: string) => {
  const result = await orders.client.request<{ cancelOrder: { order: OrderView } | null }>(CANCEL, {
    variables: { orderId },
    token,
  });
  return { data: result.data && { cancelOrder: result.data.cancelOrder?.order ?? null }, errors: result.errors };
};

describe('cancelOrder', () => {
  it('the owner cancels a PENDING_PAYMENT order: CANCELLED, history reason CANCELLED_BY_CUSTOMER, order.cancelled recorded', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    const { data } = await cancel(order.id, token);
    expect(data!.cancelOrder!.status).toBe('CANCELLED');
    expect(data!.cancelOrder!.statusHistory.at(-1)).toMatchObject({
      from: 'PENDING_PAYMENT',
      to: 'CANCELLED',
      reason: 'CANCELLED_BY_CUSTOMER',
    });
    const events = await outboxOf(orders, uuidOf(order.id));
    expect(events.map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
    expect(events[1].payload).toEqual({
      orderId: uuidOf(order.id),
      userId: uuidOf(order.owner.id),
      reason: 'CUSTOMER',
    });
  });

  it("an admin may cancel someone's unpaid order (reason CANCELLED_BY_ADMIN); so may the owner after a failed payment", async () => {
    const { order } = await placeOrder(orders, customer());
    const byAdmin = (await cancel(order.id, admin())).data!.cancelOrder!;
    expect(byAdmin.status).toBe('CANCELLED');
    expect(byAdmin.statusHistory.at(-1)).toMatchObject({ to: 'CANCELLED', reason: 'CANCELLED_BY_ADMIN' });
    // order.cancelled (v1) knows CUSTOMER and PAYMENT_TIMEOUT only: an admin's cancel is CUSTOMER there.
    expect((await outboxOf(orders, uuidOf(order.id))).at(-1)?.payload).toMatchObject({ reason: 'CUSTOMER' });
    const token = customer();
    const failed = (await placeOrder(orders, token)).order;
    await deliverEvent(orders, Events.PaymentFailed, { ...paymentOf(failed), reason: 'card_declined' });
    expect((await cancel(failed.id, token)).data!.cancelOrder!.status).toBe('CANCELLED');
  });

  it('is CONFLICT (INVALID_STATUS) for a paid order and for one already cancelled, the status in the message', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    await paid(orders, order);
    const refused = await cancel(order.id, token);
    expect(refused.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
    expect(refused.errors?.[0].message).toContain('PAID');
    expect(refused.data).toEqual({ cancelOrder: null });
    const other = (await placeOrder(orders, token)).order;
    await cancel(other.id, token);
    const again = await cancel(other.id, token);
    expect(again.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
    expect(again.errors?.[0].message).toContain('CANCELLED');
    expect((await outboxOf(orders, uuidOf(other.id))).map((e) => e.type)).toEqual(['order.created', 'order.cancelled']);
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
    const missing = await cancel(globalId('Order', randomUUID()), stranger);
    expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: missing.data, errors: missing.errors });
    expect((await outboxOf(orders, uuidOf(order.id))).map((e) => e.type)).toEqual(['order.created']);
  });

  it('is NOT_FOUND for an unknown order and BAD_USER_INPUT on input.orderId for a malformed id', async () => {
    expect((await cancel(globalId('Order', randomUUID()), customer())).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    for (const malformed of ['nope', randomUUID(), 'Order:nope']) {
      expect((await cancel(malformed, customer())).errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.orderId' }],
      });
    }
  });

  it('refuses an id of another type (a Product id as orderId) with BAD_USER_INPUT, and cancels nothing', async () => {
    const token = customer();
    const { order } = await placeOrder(orders, token);
    expect((await cancel(globalId('Product', uuidOf(order.id)), token)).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.orderId' }],
    });
    expect((await outboxOf(orders, uuidOf(order.id))).map((e) => e.type)).toEqual(['order.created']);
  });
});
