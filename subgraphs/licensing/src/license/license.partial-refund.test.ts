import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, person } from '@marketplace/kit/testing';
import { orderPaid, outboxOf, startLicensing } from '../testing';

/** Partial refunds (issue 23): only the licenses of the lines refunded are revoked. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

type OrderPaid = ReturnType<typeof orderPaid>;

const statuses = async (orderId: string) =>
  Object.fromEntries(
    (
      await queryRows<{ productId: string; status: string; reason: string | null }>(
        licensing.subgraph.deps.db,
        `SELECT product_id AS "productId", status, revoke_reason AS reason FROM licenses WHERE order_id = $1`,
        [orderId],
      )
    ).map((row) => [row.productId, row.reason ? `${row.status}: ${row.reason}` : row.status]),
  );

const partialRefund = (
  order: OrderPaid,
  productIds: string[],
  reason = 'Wrong product',
): PayloadOf<typeof Events.PaymentPartiallyRefunded> => ({
  paymentId: order.paymentId,
  orderId: order.orderId,
  amount: order.total,
  providerRef: 'pi_test',
  refundId: randomUUID(),
  refunded: { amount: 1500 * productIds.length, currency: 'USD' },
  lines: productIds.map((productId) => ({ productId, amount: { amount: 1500, currency: 'USD' } })),
  reason,
});

const revokedEvents = async (orderId: string) =>
  (await outboxOf<{ productId: string }>(licensing, orderId)).filter((e) => e.type === 'license.revoked');

describe('payment.partially_refunded', () => {
  it("revokes only the lines' licenses, once (redelivered: nothing more), each announced with license.revoked", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const order = orderPaid(person(), [a, b, c]);
    await deliverEvent(licensing, Events.OrderPaid, order);
    const event = createEnvelope(Events.PaymentPartiallyRefunded, partialRefund(order, [a, c]), {
      source: 'test',
      correlationId: 'partial',
      aggregateId: order.paymentId,
    });
    await deliver(licensing, event);
    await deliver(licensing, event);
    // Another refund naming a line revoked already revokes nothing again.
    await deliverEvent(licensing, Events.PaymentPartiallyRefunded, partialRefund(order, [a], 'again'));
    expect(await statuses(order.orderId)).toEqual({
      [a]: 'REVOKED: Wrong product',
      [b]: 'ACTIVE',
      [c]: 'REVOKED: Wrong product',
    });
    expect((await revokedEvents(order.orderId)).map((e) => e.payload.productId).sort()).toEqual([a, c].sort());
  });

  it('then payment.refunded (with the lines left) revokes the rest', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const order = orderPaid(person(), [a, b]);
    await deliverEvent(licensing, Events.OrderPaid, order);
    await deliverEvent(licensing, Events.PaymentPartiallyRefunded, partialRefund(order, [a]));
    await deliverEvent(licensing, Events.PaymentRefunded, {
      paymentId: order.paymentId,
      orderId: order.orderId,
      amount: order.total,
      providerRef: 'pi_test',
      reason: 'Closing',
      lines: [{ productId: b, amount: { amount: 1500, currency: 'USD' } }],
    });
    expect(await statuses(order.orderId)).toEqual({ [a]: 'REVOKED: Wrong product', [b]: 'REVOKED: Closing' });
    expect(await revokedEvents(order.orderId)).toHaveLength(2);
  });

  it('overtaking order.paid: the refunded line is never licensed, the others are', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const order = orderPaid(person(), [a, b]);
    await deliverEvent(licensing, Events.PaymentPartiallyRefunded, partialRefund(order, [b]));
    await deliverEvent(licensing, Events.OrderPaid, order);
    expect(await statuses(order.orderId)).toEqual({ [a]: 'ACTIVE' });
    const licensed = (await outboxOf<{ licenses: { productId: string }[] }>(licensing, order.orderId)).find(
      (e) => e.type === 'order.licensed',
    );
    expect(licensed?.payload.licenses.map((l) => l.productId)).toEqual([a]);
  });

  it('a suspended license (open dispute) of the line is revoked too; a product not in the order changes nothing', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const order = orderPaid(person(), [a, b]);
    await deliverEvent(licensing, Events.OrderPaid, order);
    await queryRows(licensing.subgraph.deps.db, `UPDATE licenses SET status = 'SUSPENDED' WHERE order_id = $1`, [
      order.orderId,
    ]);
    await deliverEvent(licensing, Events.PaymentPartiallyRefunded, partialRefund(order, [randomUUID()]));
    expect(await statuses(order.orderId)).toEqual({ [a]: 'SUSPENDED', [b]: 'SUSPENDED' });
    await deliverEvent(licensing, Events.PaymentPartiallyRefunded, partialRefund(order, [b]));
    expect(await statuses(order.orderId)).toEqual({ [a]: 'SUSPENDED', [b]: 'REVOKED: Wrong product' });
  });
});
