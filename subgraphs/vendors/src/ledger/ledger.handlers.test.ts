import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, globalId, outboxOf, person, until, uuidOf } from '@marketplace/kit/testing';
import {
  activeVendor,
  ledgerRows,
  moneyOf,
  orderPaidEvent,
  paidOrder,
  refundEvent,
  setCommission,
  startVendor,
} from '../testing';

/** What order.paid and payment.refunded write to the ledger. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  // The default hold (7 days); quick retries, for the refund that arrives before its order.
  vendor = await startVendor({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => vendor.close());

const kindsAndAmounts = (rows: { kind: string; amount: number; product_id: string | null }[]) =>
  rows.map((row) => [row.kind, row.amount, row.product_id]).sort((a, b) => String(a).localeCompare(String(b)));

describe('order.paid', () => {
  it("credits each line to its vendor: the gross SALE and the COMMISSION at the vendor's rate, summing to the net", async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    await setCommission(vendor, b.vendor.id, 1000, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1999 },
      { vendorId: b.vendor.id, price: 5000 },
      { vendorId: a.vendor.id, price: 1001 },
    ]);
    const [lineA1, lineB, lineA2] = paid.payload.items;
    expect(kindsAndAmounts(await ledgerRows(vendor, a.vendor.id))).toEqual(
      kindsAndAmounts([
        { kind: 'SALE', amount: 1999, product_id: lineA1.productId },
        { kind: 'COMMISSION', amount: -300, product_id: lineA1.productId }, // 299.85 rounded half up
        { kind: 'SALE', amount: 1001, product_id: lineA2.productId },
        { kind: 'COMMISSION', amount: -150, product_id: lineA2.productId }, // 150.15
      ]),
    );
    expect(kindsAndAmounts(await ledgerRows(vendor, b.vendor.id))).toEqual(
      kindsAndAmounts([
        { kind: 'SALE', amount: 5000, product_id: lineB.productId },
        { kind: 'COMMISSION', amount: -500, product_id: lineB.productId },
      ]),
    );

    const seen = await moneyOf(vendor, a.vendor.id, a.owner.token);
    expect(seen.earnings).toEqual({
      period: 'ALL_TIME',
      currency: 'USD',
      gross: { amount: 3000, currency: 'USD' },
      commission: { amount: 450 },
      refunds: { amount: 0 },
      net: { amount: 2550 },
    });
    // Paid just now, with a 7-day hold: all of it pending.
    expect(seen.balance).toEqual({
      currency: 'USD',
      available: { amount: 0, currency: 'USD' },
      pending: { amount: 2550, currency: 'USD' },
    });
    expect(seen.ledger.totalCount).toBe(4);
    for (const { node } of seen.ledger.edges) {
      expect(node.order).toEqual({ id: globalId('Order', paid.payload.orderId) });
      expect(node.payout).toBeNull();
      expect(new Date(node.availableAt).getTime()).toBe(new Date(paid.occurredAt).getTime() + 7 * 24 * 3600 * 1000);
    }
    expect(seen.ledger.edges.map((e) => e.node.productName).sort()).toEqual(
      [lineA1.name, lineA1.name, lineA2.name, lineA2.name].sort(),
    );
  });

  it('uses the commission rate at the time of the sale: a later change leaves recorded sales alone', async () => {
    const a = await activeVendor(vendor, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    await setCommission(vendor, a.vendor.id, 2500, admin);
    await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const commissions = (await ledgerRows(vendor, a.vendor.id))
      .filter((row) => row.kind === 'COMMISSION')
      .map((row) => row.amount);
    expect(commissions).toEqual([-150, -250]);
  });

  it('replayed (the same envelope twice, and a new envelope for the same order) changes nothing', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 2000 },
      { vendorId: a.vendor.id, price: 3000 },
    ]);
    const before = await ledgerRows(vendor, a.vendor.id);
    expect(before).toHaveLength(4);
    await deliver(vendor, paid);
    await deliver(vendor, { ...paid, id: randomUUID(), occurredAt: new Date().toISOString() });
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual(before);
    expect((await moneyOf(vendor, a.vendor.id, admin.token)).balance.pending.amount).toBe(4250);
  });

  it("announces each vendor's sale once, net after commission (vendor.sale_credited), not again when replayed", async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    await setCommission(vendor, b.vendor.id, 1000, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1999 },
      { vendorId: b.vendor.id, price: 5000 },
      { vendorId: a.vendor.id, price: 1001 },
    ]);
    await deliver(vendor, { ...paid, id: randomUUID(), occurredAt: new Date().toISOString() });
    const salesOf = async (vendorId: string) =>
      (await outboxOf<PayloadOf<typeof Events.VendorSaleCredited>>(vendor, uuidOf(vendorId))).filter(
        (envelope) => envelope.type === 'vendor.sale_credited',
      );
    const [saleA, ...moreA] = await salesOf(a.vendor.id);
    expect(moreA).toEqual([]);
    expect(saleA.payload).toEqual({
      vendorId: uuidOf(a.vendor.id),
      userId: a.owner.id,
      orderId: paid.payload.orderId,
      number: paid.payload.number,
      gross: { amount: 3000, currency: 'USD' },
      commission: { amount: 450, currency: 'USD' },
      net: { amount: 2550, currency: 'USD' },
      items: [paid.payload.items[0], paid.payload.items[2]]
        .map(({ productId, name }) => ({ productId, name }))
        .sort((x, y) => x.productId.localeCompare(y.productId)),
    });
    expect((await salesOf(b.vendor.id)).map((envelope) => envelope.payload.net)).toEqual([
      { amount: 4500, currency: 'USD' },
    ]);
  });

  it('skips (and logs) lines of vendors unknown here, crediting the other lines', async () => {
    const a = await activeVendor(vendor, admin);
    const stranger = randomUUID();
    const paid = await paidOrder(vendor, [
      { vendorId: stranger, price: 700 },
      { vendorId: a.vendor.id, price: 1000 },
    ]);
    expect((await ledgerRows(vendor, a.vendor.id)).map((row) => row.amount)).toEqual(
      expect.arrayContaining([1000, -150]),
    );
    const [{ count }] = await queryRows<{ count: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS count FROM ledger_entries WHERE vendor_id::text = $1`,
      [stranger],
    );
    expect(count).toBe(0);
    expect(
      vendor.logs
        .records()
        .filter((r) => r.msg === 'order.paid line of a vendor unknown here; not credited' && r.vendorId === stranger),
    ).toEqual([expect.objectContaining({ orderId: paid.payload.orderId, productId: paid.payload.items[0].productId })]);
  });
});

describe('payment.refunded', () => {
  it('debits every credited line of the order (REFUND −price, REFUND_COMMISSION +commission); a replay changes nothing', async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1999 },
      { vendorId: b.vendor.id, price: 1000 },
    ]);
    const refund = refundEvent(paid);
    await deliver(vendor, refund);
    const rowsA = await ledgerRows(vendor, a.vendor.id);
    expect(rowsA.map((row) => [row.kind, row.amount])).toEqual(
      expect.arrayContaining([
        ['SALE', 1999],
        ['COMMISSION', -300],
        ['REFUND', -1999],
        ['REFUND_COMMISSION', 300],
      ]),
    );
    expect(rowsA).toHaveLength(4);
    expect(rowsA.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
    expect((await ledgerRows(vendor, b.vendor.id)).map((row) => row.amount).sort((x, y) => x - y)).toEqual([
      -1000, -150, 150, 1000,
    ]);

    await deliver(vendor, refund);
    await deliver(vendor, { ...refund, id: randomUUID() });
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual(rowsA);
    const seen = await moneyOf(vendor, a.vendor.id, a.owner.token);
    expect(seen.earnings).toMatchObject({
      gross: { amount: 1999 },
      commission: { amount: 0 },
      refunds: { amount: 1999 },
      net: { amount: 0 },
    });
    expect(seen.stats).toMatchObject({ saleCount: 1, refundCount: 1, gross: { amount: 1999 }, net: { amount: 0 } });
    expect(seen.balance).toMatchObject({ available: { amount: 0 }, pending: { amount: 0 } });
  });

  it('arriving before its order.paid is retried, and ends exactly as in order', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = orderPaidEvent([
      { vendorId: a.vendor.id, price: 4000 },
      { vendorId: a.vendor.id, price: 600 },
    ]);
    const refund = refundEvent(paid);
    await vendor.subgraph.events.transport.publish(refund);
    // It fails (and is retried) while the order is unknown here.
    await until(
      () =>
        vendor.logs
          .records()
          .some(
            (r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(paid.payload.orderId),
          )
          ? true
          : undefined,
      'the refund to be retried',
    );
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual([]);
    await deliver(vendor, paid);
    await until(
      async () => ((await ledgerRows(vendor, a.vendor.id)).length === 8 ? true : undefined),
      'the refund to be applied after order.paid',
    );
    const rows = await ledgerRows(vendor, a.vendor.id);
    expect(rows.map((row) => row.kind).sort()).toEqual([
      'COMMISSION',
      'COMMISSION',
      'REFUND',
      'REFUND',
      'REFUND_COMMISSION',
      'REFUND_COMMISSION',
      'SALE',
      'SALE',
    ]);
    expect(rows.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
    const [{ dead }] = await queryRows<{ dead: number }>(
      vendor.subgraph.deps.db,
      `SELECT count(*)::int AS dead FROM dead_letters`,
    );
    expect(dead).toBe(0);
    // A late replay of order.paid changes nothing either.
    await deliver(vendor, { ...paid, id: randomUUID() });
    expect(await ledgerRows(vendor, a.vendor.id)).toHaveLength(8);
  });

  it('for a cancelled order (money that came late, refunded at once): handled as a no-op, no entry, no dead letter', async () => {
    const a = await activeVendor(vendor, admin);
    // Orders never pays a cancelled order: no order.paid exists for it, none ever comes.
    const neverPaid = orderPaidEvent([{ vendorId: a.vendor.id, price: 19_900 }]);
    const refund = refundEvent(neverPaid);
    refund.payload.orderCancelled = true;
    refund.payload.reason = 'order cancelled before payment completed';
    await deliver(vendor, refund);
    const [{ handled, dead }] = await queryRows<{ handled: number; dead: number }>(
      vendor.subgraph.deps.db,
      `SELECT (SELECT count(*)::int FROM inbox WHERE event_id = $1) AS handled,
              (SELECT count(*)::int FROM dead_letters WHERE body::jsonb->>'id' = $1::text) AS dead`,
      [refund.id],
    );
    expect({ handled, dead }).toEqual({ handled: 1, dead: 0 });
    expect(await ledgerRows(vendor, a.vendor.id)).toEqual([]);
    expect(
      await queryRows(vendor.subgraph.deps.db, `SELECT order_id FROM ledger_orders WHERE order_id = $1`, [
        neverPaid.payload.orderId,
      ]),
    ).toEqual([]);
    expect(
      vendor.logs.records().some((r) => r.eventId === refund.id && r.msg === 'event handler failed; retrying'),
    ).toBe(false);
  });

  it('says the order was cancelled yet its order.paid was credited: debited all the same (money is never left credited)', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const refund = refundEvent(paid);
    refund.payload.orderCancelled = true;
    await deliver(vendor, refund);
    const rows = await ledgerRows(vendor, a.vendor.id);
    expect(rows.map((row) => row.kind).sort()).toEqual(['COMMISSION', 'REFUND', 'REFUND_COMMISSION', 'SALE']);
    expect(rows.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
  });
});
