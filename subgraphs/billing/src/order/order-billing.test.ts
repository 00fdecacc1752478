import { randomUUID } from 'node:crypto';
import { Events, Role } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { approvedVendor, billingOf, line, orderPaid, startBilling } from '../testing';

/** `Order.invoice` and `Order.creditNotes`: who sees them (docs/api-conventions.md rule 2), in one batch. */
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling();
});
afterAll(() => billing.close());

const buyer = person();
const seller = person(Role.VENDOR);
const cosigner = person(Role.VENDOR);
const otherVendor = person(Role.VENDOR);
const otherCustomer = person();
const admin = person(Role.ADMIN);
const order = { id: '' };

beforeAll(async () => {
  const [sellerVendor, cosignerVendor] = [
    await approvedVendor(billing, seller),
    await approvedVendor(billing, cosigner),
  ];
  await approvedVendor(billing, otherVendor);
  const paid = orderPaid(buyer.id, [
    line(sellerVendor, 'Research Agent', 10_000, 1_000, 2_000),
    line(cosignerVendor, 'Mail Tool', 5_000, 0, 2_000),
  ]);
  order.id = paid.orderId;
  await deliverEvent(billing, Events.OrderPaid, paid);
  await deliverEvent(billing, Events.PaymentPartiallyRefunded, {
    paymentId: paid.paymentId,
    orderId: paid.orderId,
    amount: paid.total,
    providerRef: 'pi_test',
    refundId: randomUUID(),
    refunded: paid.items[1].total!,
    lines: [{ productId: paid.items[1].productId, amount: paid.items[1].total! }],
    reason: 'duplicate purchase',
  });
});

describe('Order.invoice and Order.creditNotes', () => {
  it.each([
    ['the buyer', () => buyer.token],
    ['a vendor with a line on it', () => seller.token],
    ['the other vendor on it', () => cosigner.token],
    ['an admin', () => admin.token],
  ])('%s sees the invoice, its credit note and their PDF links', async (_who, token) => {
    const { invoice, creditNotes, code } = await billingOf(billing, order.id, token());
    expect(code).toBeUndefined();
    expect(invoice).toMatchObject({
      id: expect.stringMatching(/^Invoice:/),
      number: expect.stringMatching(/^INV-\d{4}-\d{6}$/),
      total: { amount: 16_800, currency: 'EUR' },
      pdfUrl: expect.stringMatching(/^http:\/\/gateway\.test:4000\/invoices\/[\w-]+\.[\w-]+$/),
    });
    expect(creditNotes).toEqual([
      {
        id: expect.stringMatching(/^CreditNote:/),
        number: expect.stringMatching(/^CN-\d{4}-\d{6}$/),
        issuedAt: expect.any(String),
        invoiceNumber: invoice!.number,
        amount: { amount: 6_000, currency: 'EUR' },
        pdfUrl: expect.stringMatching(/^http:\/\/gateway\.test:4000\/invoices\//),
      },
    ]);
  });

  it.each([
    ['another vendor', 'FORBIDDEN', () => otherVendor.token],
    ['another customer', 'FORBIDDEN', () => otherCustomer.token],
    ['an anonymous caller', 'UNAUTHENTICATED', () => undefined],
  ])('%s gets invoice null without an error, and credit notes null with %s', async (_who, code, token) => {
    const [invoiceOnly, both] = await Promise.all([
      billing.client.request<{ _entities: { invoice: unknown }[] }>(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { invoice { number } } } }`,
        { variables: { reps: [{ __typename: 'Order', id: `Order:${order.id}` }] }, token: token() },
      ),
      billingOf(billing, order.id, token()),
    ]);
    expect(invoiceOnly.errors).toBeUndefined();
    expect(invoiceOnly.data?._entities).toEqual([{ invoice: null }]);
    expect(both).toEqual({ invoice: null, creditNotes: null, code });
  });

  it('an order not invoiced (unpaid, unknown): invoice null, no credit notes', async () => {
    expect(await billingOf(billing, randomUUID(), buyer.token)).toEqual({
      invoice: null,
      creditNotes: [],
      code: undefined,
    });
  });

  it('a vendor who stops running the vendor (vendor.updated to another user) stops seeing it', async () => {
    const former = person(Role.VENDOR);
    const vendorId = await approvedVendor(billing, former);
    const paid = orderPaid(person().id, [line(vendorId, 'Agent', 1_000)]);
    await deliverEvent(billing, Events.OrderPaid, paid);
    expect((await billingOf(billing, paid.orderId, former.token)).invoice).not.toBeNull();
    const successor = person(Role.VENDOR);
    await deliverEvent(billing, Events.VendorUpdated, {
      vendorId,
      userId: successor.id,
      displayName: 'Renamed',
      slug: `r-${vendorId.slice(0, 8)}`,
    });
    expect((await billingOf(billing, paid.orderId, former.token)).invoice).toBeNull();
    expect((await billingOf(billing, paid.orderId, successor.token)).invoice).not.toBeNull();
  });

  it('answers many orders of one response with one query each for invoices, credit notes and vendors', async () => {
    const vendorId = await approvedVendor(billing, seller);
    const orders = [1, 2, 3].map(() => orderPaid(buyer.id, [line(vendorId, 'Agent', 1_000)]));
    for (const paid of orders) await deliverEvent(billing, Events.OrderPaid, paid);
    const statements: string[] = [];
    const logger = billing.subgraph.deps.db.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, ...rest) => {
      if (!/\b(outbox|inbox)\b/.test(query)) statements.push(query);
      return original(query, ...rest);
    };
    try {
      const result = await billing.client.request<{ _entities: { invoice: { number: string } | null }[] }>(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { invoice { number } creditNotes { number } } } }`,
        {
          variables: { reps: orders.map((paid) => ({ __typename: 'Order', id: `Order:${paid.orderId}` })) },
          token: seller.token,
        },
      );
      expect(result.data?._entities.map((entity) => entity.invoice?.number)).toEqual(
        orders.map(() => expect.any(String)),
      );
    } finally {
      logger.logQuery = original;
    }
    expect(statements.filter((sql) => /FROM invoices i WHERE/.test(sql))).toHaveLength(2);
    expect(statements.filter((sql) => /FROM credit_notes/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM vendors/.test(sql))).toHaveLength(1);
  });
});
