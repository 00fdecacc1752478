import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import { admin, customer, paid, placeOrder, startOrders, userOf } from '../testing';
import { OrderSearchAndTimeline1800200000000 } from './1800200000000-order-search-and-timeline';

let orders: TestSubgraph;
beforeAll(async () => {
  orders = await startOrders();
});
afterAll(() => orders.close());

const db = () => orders.subgraph.deps.db;

it('backfills the timeline from the status history and the counts from the orders', async () => {
  const token = customer();
  const kept = (await placeOrder(orders, token)).order;
  await paid(orders, kept);
  const cancelled = (await placeOrder(orders, customer())).order;
  await orders.client.data(`mutation($o: ID!) { cancelOrder(input: { orderId: $o }) { order { id } } }`, {
    variables: { o: cancelled.id },
    token: admin(),
  });
  const migration = new OrderSearchAndTimeline1800200000000();
  const runner = db().createQueryRunner();
  try {
    await migration.down(runner);
    await migration.up(runner);
  } finally {
    await runner.release();
  }
  const timeline = (orderId: string) =>
    queryRows(
      db(),
      `SELECT kind, status, summary, actor_kind AS "actorKind", actor_user_id AS "userId", actor_role AS role
       FROM order_timeline WHERE order_id = $1 ORDER BY at, id`,
      [uuidOf(orderId)],
    );
  expect(await timeline(kept.id)).toEqual([
    {
      kind: 'STATUS_CHANGED',
      status: 'PENDING_PAYMENT',
      summary: 'Order placed at checkout',
      actorKind: 'USER',
      userId: userOf(token),
      role: 'CUSTOMER',
    },
    {
      kind: 'STATUS_CHANGED',
      status: 'PAID',
      summary: 'Paid: the payment succeeded',
      actorKind: 'PAYMENT_PROVIDER',
      userId: null,
      role: null,
    },
  ]);
  // Which admin cancelled was not kept before: an admin, unnamed.
  expect((await timeline(cancelled.id)).at(-1)).toEqual({
    kind: 'STATUS_CHANGED',
    status: 'CANCELLED',
    summary: 'Cancelled by an admin',
    actorKind: 'USER',
    userId: null,
    role: 'ADMIN',
  });
  const [counted] = await queryRows<{ kept: number; actual: number }>(
    db(),
    `SELECT ((SELECT sum(count) FROM order_status_counts) + coalesce((SELECT sum(delta) FROM order_status_count_changes), 0))::int AS kept,
            (SELECT count(*)::int FROM orders) AS actual`,
  );
  expect(counted.kept).toBe(counted.actual);
});
