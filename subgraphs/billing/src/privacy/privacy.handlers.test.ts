import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf, person } from '@marketplace/kit/testing';
import { approvedVendor, billingOf, line, orderPaid, startBilling } from '../testing';

/** billing's share of a data export, and its erasure: invoices kept whole (legal retention), the user id pseudonymised. */
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling();
});
afterAll(() => billing.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(billing.subgraph.deps.db, sql, parameters);
const billed = { name: 'Ada Lovelace', country: 'IE', reverseCharge: false };

it("answers a data export with the user's invoices and credit notes, nobody else's", async () => {
  const [mine, theirs] = [person(), person()];
  const order = orderPaid(
    mine.id,
    [line(randomUUID(), 'Agent', 2_000, 0, 2_300), line(randomUUID(), 'Tool', 1_000)],
    billed,
  );
  await deliverEvent(billing, Events.OrderPaid, order);
  await deliverEvent(billing, Events.OrderPaid, orderPaid(theirs.id, [line(randomUUID(), 'Agent', 500)]));
  await deliverEvent(billing, Events.PaymentRefunded, {
    paymentId: order.paymentId,
    orderId: order.orderId,
    amount: order.total,
    providerRef: 'pi_test',
    reason: 'customer asked',
  });
  const exportId = randomUUID();
  await deliverEvent(billing, Events.UserDataExportRequested, { exportId, userId: mine.id });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(billing, exportId);
  expect(part.payload).toMatchObject({ exportId, userId: mine.id, subgraph: 'billing', truncated: false });
  expect(part.payload.data.invoices).toEqual([
    expect.objectContaining({
      orderId: order.orderId,
      currency: 'EUR',
      total: '3460',
      snapshot: expect.objectContaining({ buyer: expect.objectContaining({ name: 'Ada Lovelace' }) }),
    }),
  ]);
  expect(part.payload.data.creditNotes).toEqual([expect.objectContaining({ amount: '3460' })]);
  expect(JSON.stringify(part.payload)).not.toContain(theirs.id);
});

it('erases: invoices stay whole under the pseudonym (the buyer no longer reads them); twice changes nothing', async () => {
  const buyer = person();
  const order = orderPaid(buyer.id, [line(randomUUID(), 'Agent', 2_000)], billed);
  await deliverEvent(billing, Events.OrderPaid, order);
  const [before] = await rows<{ snapshot: unknown; number: string }>(
    `SELECT number, snapshot FROM invoices WHERE order_id = $1`,
    [order.orderId],
  );
  const pseudonym = randomUUID();
  await deliverEvent(billing, Events.UserErased, { userId: buyer.id, pseudonym });
  await deliverEvent(billing, Events.UserErased, { userId: buyer.id, pseudonym: randomUUID() });
  expect(
    await rows(`SELECT buyer_user_id AS "buyerUserId", number, snapshot FROM invoices WHERE order_id = $1`, [
      order.orderId,
    ]),
  ).toEqual([{ buyerUserId: pseudonym, number: before.number, snapshot: before.snapshot }]);
  expect(await rows(`SELECT 1 FROM invoices WHERE buyer_user_id = $1`, [buyer.id])).toEqual([]);
  expect((await billingOf(billing, order.orderId, buyer.token)).invoice).toBeNull();
  expect((await billingOf(billing, order.orderId, person(Role.ADMIN).token)).invoice).not.toBeNull();
});

it('an invoice issued late for an erased buyer gets a pseudonym of its own, never the old id', async () => {
  const buyer = person();
  await deliverEvent(billing, Events.UserErased, { userId: buyer.id, pseudonym: randomUUID() });
  const order = orderPaid(buyer.id, [line(randomUUID(), 'Agent', 2_000)]);
  await deliverEvent(billing, Events.OrderPaid, order);
  const [invoice] = await rows<{ buyerUserId: string }>(
    `SELECT buyer_user_id AS "buyerUserId" FROM invoices WHERE order_id = $1`,
    [order.orderId],
  );
  expect(invoice.buyerUserId).not.toBe(buyer.id);
});

it("an erased vendor's user no longer maps to the vendor", async () => {
  const owner = person(Role.VENDOR);
  const vendorId = await approvedVendor(billing, owner);
  const pseudonym = randomUUID();
  await deliverEvent(billing, Events.UserErased, { userId: owner.id, pseudonym });
  expect(await rows(`SELECT user_id AS "userId" FROM vendors WHERE vendor_id = $1`, [vendorId])).toEqual([
    { userId: pseudonym },
  ]);
});
