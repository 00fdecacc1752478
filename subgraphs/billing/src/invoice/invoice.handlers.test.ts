import { randomUUID } from 'node:crypto';
import { Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { InvoiceSnapshot, REVERSE_CHARGE_NOTE } from './invoice.rules';
import { line, orderPaid, startBilling } from '../testing';

/** order.paid → one numbered invoice per order, a snapshot of exactly what was charged. */
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling({ EVENTS_MAX_ATTEMPTS: '2', EVENTS_RETRY_BASE_MS: '10' });
});
afterAll(() => billing.close());

const year = new Date().getUTCFullYear();
const invoicesOf = (orderId: string) =>
  queryRows<{
    number: string;
    buyerUserId: string;
    vendorIds: string[];
    currency: string;
    total: string;
    snapshot: InvoiceSnapshot;
  }>(
    billing.subgraph.deps.db,
    `SELECT number, buyer_user_id AS "buyerUserId", vendor_ids::text[] AS "vendorIds", currency, total::text AS total, snapshot
       FROM invoices WHERE order_id = $1`,
    [orderId],
  );
const deadLettersOf = (orderId: string) =>
  queryRows(billing.subgraph.deps.db, `SELECT error FROM dead_letters WHERE body::jsonb->'payload'->>'orderId' = $1`, [
    orderId,
  ]);

describe('order.paid', () => {
  it('invoices an EU consumer: two vendors, a vendor and a platform coupon, tax at one rate, per-rate totals', async () => {
    const [ada, bea] = [randomUUID(), randomUUID()];
    const buyer = person();
    // Vendor coupon on the first line (the vendor funds it), platform coupon on the second; DE 19 %.
    const order = orderPaid(
      buyer.id,
      [line(ada, 'Research Agent', 10_000, 1_000, 1_900, 1_000), line(bea, 'Mail Tool', 4_999, 500, 1_900)],
      {
        name: 'Erika Mustermann',
        country: 'DE',
        address: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115' },
        reverseCharge: false,
      },
    );
    await deliverEvent(billing, Events.OrderPaid, order);
    const [invoice] = await invoicesOf(order.orderId);
    expect(invoice).toMatchObject({ buyerUserId: buyer.id, currency: 'EUR', total: '16064' });
    expect(invoice.number).toMatch(new RegExp(`^INV-${year}-\\d{6}$`));
    expect(invoice.vendorIds.sort()).toEqual([ada, bea].sort());
    const { snapshot } = invoice;
    expect(snapshot.seller).toEqual({
      name: 'Marketplace Demo Ltd',
      addressLines: ['1 Demo Street', 'Dublin D02 X285', 'Ireland'],
      vatId: 'IE1234567T',
      country: 'IE',
    });
    expect(snapshot.buyer).toEqual({
      name: 'Erika Mustermann',
      businessName: null,
      vatId: null,
      country: 'DE',
      addressLines: ['Hauptstraße 1', '10115 Berlin'],
    });
    expect(
      snapshot.lines.map(({ name, vendorId, unitPrice, discount, taxable, taxRateBps, tax, total }) => ({
        name,
        vendorId,
        unitPrice,
        discount,
        taxable,
        taxRateBps,
        tax,
        total,
      })),
    ).toEqual([
      {
        name: 'Research Agent',
        vendorId: ada,
        unitPrice: 10_000,
        discount: 1_000,
        taxable: 9_000,
        taxRateBps: 1_900,
        tax: 1_710,
        total: 10_710,
      },
      {
        name: 'Mail Tool',
        vendorId: bea,
        unitPrice: 4_999,
        discount: 500,
        taxable: 4_499,
        taxRateBps: 1_900,
        tax: 855,
        total: 5_354,
      },
    ]);
    expect(snapshot.totals).toEqual({
      subtotal: 14_999,
      discount: 1_500,
      taxable: 13_499,
      tax: 2_565,
      total: 16_064,
      taxes: [{ rateBps: 1_900, taxable: 13_499, tax: 2_565 }],
    });
    expect(snapshot).toMatchObject({ orderNumber: order.number, currency: 'EUR', reverseCharge: false, note: null });
  });

  it('invoices a reverse-charged business at 0 % with the note, its VAT id and business name', async () => {
    const order = orderPaid(person().id, [line(randomUUID(), 'Workflow', 20_000, 2_000, 0)], {
      name: 'Jan Jansen',
      businessName: 'Jansen BV',
      vatId: 'NL123456789B01',
      country: 'NL',
      reverseCharge: true,
    });
    await deliverEvent(billing, Events.OrderPaid, order);
    const [{ snapshot, total }] = await invoicesOf(order.orderId);
    expect(total).toBe('18000');
    expect(snapshot).toMatchObject({
      buyer: {
        name: 'Jan Jansen',
        businessName: 'Jansen BV',
        vatId: 'NL123456789B01',
        country: 'NL',
        addressLines: [],
      },
      reverseCharge: true,
      note: REVERSE_CHARGE_NOTE,
      totals: {
        subtotal: 20_000,
        discount: 2_000,
        taxable: 18_000,
        tax: 0,
        total: 18_000,
        taxes: [{ rateBps: 0, taxable: 18_000, tax: 0 }],
      },
    });
  });

  it('still invoices an order without billing details or line money (before issue 23): list prices, buyer unnamed', async () => {
    const order = orderPaid(person().id, []);
    order.items = [
      {
        productId: randomUUID(),
        vendorId: randomUUID(),
        name: 'Old Agent',
        unitPrice: { amount: 1999, currency: 'EUR' },
      },
    ];
    order.total = { amount: 1999, currency: 'EUR' };
    await deliverEvent(billing, Events.OrderPaid, order);
    const [{ snapshot }] = await invoicesOf(order.orderId);
    expect(snapshot.buyer).toEqual({ name: null, businessName: null, vatId: null, country: null, addressLines: [] });
    expect(snapshot.lines[0]).toMatchObject({
      unitPrice: 1999,
      discount: 0,
      taxable: 1999,
      taxRateBps: 0,
      tax: 0,
      total: 1999,
    });
    expect(snapshot.totals.total).toBe(1999);
  });

  it('issues one invoice per order, whatever redelivers it: the same event twice, or another event of the same order', async () => {
    const order = orderPaid(person().id, [line(randomUUID(), 'Agent', 5_000, 0, 2_300)]);
    const first = await deliverEvent(billing, Events.OrderPaid, order);
    await billing.subgraph.events.transport.publish(first);
    await deliverEvent(billing, Events.OrderPaid, order);
    const invoices = await invoicesOf(order.orderId);
    expect(invoices).toHaveLength(1);
    // No number was spent on the duplicates: the next order's invoice follows at once.
    const next = orderPaid(person().id, [line(randomUUID(), 'Agent', 100)]);
    await deliverEvent(billing, Events.OrderPaid, next);
    const sequence = (number: string) => Number(number.slice(-6));
    expect(sequence((await invoicesOf(next.orderId))[0].number)).toBe(sequence(invoices[0].number) + 1);
  });

  it('refuses (dead-letters) an order whose lines do not add up to what was charged, and spends no number', async () => {
    const bad = orderPaid(person().id, [line(randomUUID(), 'Agent', 5_000, 0, 2_000)]);
    bad.total = { amount: 5_999, currency: 'EUR' };
    const mixed = orderPaid(person().id, [line(randomUUID(), 'Agent', 5_000)]);
    mixed.items[0].tax = { amount: 0, currency: 'USD' };
    const before = await queryRows<{ last: number }>(
      billing.subgraph.deps.db,
      `SELECT last FROM document_counters WHERE series = 'INV'`,
    );
    for (const order of [bad, mixed]) {
      await deliverEvent(billing, Events.OrderPaid, order);
      expect(await invoicesOf(order.orderId)).toEqual([]);
      expect(await deadLettersOf(order.orderId)).toHaveLength(1);
    }
    const after = await queryRows<{ last: number }>(
      billing.subgraph.deps.db,
      `SELECT last FROM document_counters WHERE series = 'INV'`,
    );
    expect(after).toEqual(before);
  });
});
