import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { customer, placeOrder, startOrders } from '../testing';
import { OrderStatusChangeReasons1763790000003 } from './1763790000003-order-status-change-reasons';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const reasonsOf = async (orderId: string) =>
  (
    await queryRows<{ reason: string }>(
      orders.subgraph.deps.db,
      `SELECT reason FROM order_status_history WHERE order_id = $1 ORDER BY id`,
      [orderId],
    )
  ).map((row) => row.reason);

it('maps the reasons stored before contract v1 to OrderStatusChangeReason values, and back', async () => {
  const order = { id: uuidOf((await placeOrder(orders, customer())).order.id) };
  const migration = new OrderStatusChangeReasons1763790000003();
  const runner = orders.subgraph.deps.db.createQueryRunner();
  try {
    await migration.down(runner);
    expect(await reasonsOf(order.id)).toEqual(['checkout']);
    const old = ['payment.failed', 'payment.succeeded', 'license.issued', 'payment.refunded', 'CUSTOMER'];
    for (const reason of [...old, 'PAYMENT_TIMEOUT']) {
      await runner.query(
        `INSERT INTO order_status_history (order_id, from_status, to_status, reason) VALUES ($1, 'PAID', 'REFUNDED', $2)`,
        [order.id, reason],
      );
    }
    await migration.up(runner);
    expect(await reasonsOf(order.id)).toEqual([
      'CHECKOUT',
      'PAYMENT_FAILED',
      'PAYMENT_SUCCEEDED',
      'LICENSES_ISSUED',
      'PAYMENT_REFUNDED',
      'CANCELLED_BY_CUSTOMER',
      'PAYMENT_TIMEOUT',
    ]);
    // Only the enum's values can be stored from now on.
    await expect(
      runner.query(
        `INSERT INTO order_status_history (order_id, from_status, to_status, reason) VALUES ($1, 'PAID', 'REFUNDED', 'payment.refunded')`,
        [order.id],
      ),
    ).rejects.toThrow(/order_status_history_reason_known/);
  } finally {
    await runner.release();
  }
});
