import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { createIntent, orderPlaced, outboxOf, startPayments, uuidOf } from '../testing';

/** payments' share of a data export (never the client secret), and its erasure: the order replica's user pseudonymised. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(payments.subgraph.deps.db, sql, parameters);

it("exports the user's payments without secrets, then erases the reference and keeps the amounts", async () => {
  const owner = person();
  const order = await orderPlaced(payments, owner);
  const intent = await createIntent(payments, order, owner);
  await orderPlaced(payments, person());
  const exportId = randomUUID();
  await deliverEvent(payments, Events.UserDataExportRequested, { exportId, userId: owner.id });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(payments, exportId);
  expect(part.payload.subgraph).toBe('payments');
  expect(part.payload.data.payments).toEqual([
    expect.objectContaining({ id: uuidOf(intent.payment.id), orderId: order.orderId, amount: 2500, currency: 'USD' }),
  ]);
  expect(JSON.stringify(part.payload)).not.toContain(intent.clientSecret);

  const pseudonym = randomUUID();
  await deliverEvent(payments, Events.UserErased, { userId: owner.id, pseudonym });
  expect(await rows(`SELECT user_id, amount FROM orders WHERE id = $1`, [order.orderId])).toEqual([
    { user_id: pseudonym, amount: 2500 },
  ]);
  expect(await rows(`SELECT amount, status FROM payments WHERE order_id = $1`, [order.orderId])).toEqual([
    { amount: 2500, status: 'REQUIRES_PAYMENT' },
  ]);
});

it('an order arriving late for an erased user gets a pseudonym of its own', async () => {
  const owner = person();
  await deliverEvent(payments, Events.UserErased, { userId: owner.id, pseudonym: randomUUID() });
  const order = await orderPlaced(payments, owner);
  const [row] = await rows<{ user_id: string }>(`SELECT user_id FROM orders WHERE id = $1`, [order.orderId]);
  expect(row.user_id).not.toBe(owner.id);
});
