import { randomUUID } from 'node:crypto';
import { DisputeStatus, Envelope, Events, PayloadOf, Role, createEnvelope } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, globalId, person, until } from '@marketplace/kit/testing';
import {
  OrderPaidPayload,
  activeVendor,
  ledgerRows,
  orderPaidEvent,
  paidOrder,
  refundEvent,
  startVendor,
} from '../testing';

/** Disputes on vendors' sales: the vendors' view (Vendor.disputes) and the debit of a lost one. */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => vendor.close());

type Updated = PayloadOf<typeof Events.PaymentDisputeUpdated>;
const due = new Date(Date.now() + 7 * 86_400_000);

function updated(paid: Envelope<OrderPaidPayload>, change: Partial<Updated> = {}): Updated {
  return {
    paymentId: paid.payload.paymentId,
    orderId: paid.payload.orderId,
    disputeId: `dp_${paid.payload.orderId.slice(0, 8)}`,
    status: DisputeStatus.NEEDS_RESPONSE,
    reason: 'fraudulent',
    amount: paid.payload.total,
    evidenceDueBy: due.toISOString(),
    openedAt: new Date().toISOString(),
    closedAt: null,
    revision: 1,
    ...change,
  };
}

const closedEvent = (paid: Envelope<OrderPaidPayload>, outcome: 'WON' | 'LOST') =>
  createEnvelope(
    Events.PaymentDisputeClosed,
    {
      paymentId: paid.payload.paymentId,
      orderId: paid.payload.orderId,
      disputeId: `dp_${paid.payload.orderId.slice(0, 8)}`,
      outcome,
      status: DisputeStatus[outcome],
      amount: paid.payload.total,
      closedAt: new Date().toISOString(),
    },
    { source: 'payments', correlationId: `test-${randomUUID()}`, aggregateId: paid.payload.paymentId },
  );

const DISPUTES = `query($id: ID!, $after: String) { vendor(id: $id) { disputes(first: 10, after: $after) { totalCount
  edges { node { status reason amount { amount currency } evidenceDueBy openedAt closedAt order { id } products { id } } } } } }`;
type DisputeNode = {
  status: string;
  reason: string;
  amount: { amount: number; currency: string };
  evidenceDueBy: string | null;
  closedAt: string | null;
  order: { id: string };
  products: { id: string }[];
};
const disputesOf = (vendorId: string, token?: string, after?: string) =>
  vendor.client.request<{
    vendor: { disputes: { totalCount: number; edges: { node: DisputeNode }[] } | null } | null;
  }>(DISPUTES, { variables: { id: vendorId, after }, token });

const refundsOf = async (vendorId: string) =>
  (await ledgerRows(vendor, vendorId)).filter((row) => row.kind === 'REFUND' || row.kind === 'REFUND_COMMISSION');

describe('payment.dispute_updated → Vendor.disputes', () => {
  it('each vendor of the order sees the dispute with their own share and products, and the evidence deadline', async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1000 },
      { vendorId: b.vendor.id, price: 4000 },
      { vendorId: a.vendor.id, price: 500 },
    ]);
    await deliverEvent(vendor, Events.PaymentDisputeUpdated, updated(paid));
    const seenByA = await disputesOf(a.vendor.id, a.owner.token);
    expect(seenByA.errors).toBeUndefined();
    expect(seenByA.data?.vendor?.disputes).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            status: 'NEEDS_RESPONSE',
            reason: 'fraudulent',
            amount: { amount: 1500, currency: 'USD' },
            evidenceDueBy: due.toISOString(),
            openedAt: expect.any(String),
            closedAt: null,
            order: { id: globalId('Order', paid.payload.orderId) },
            products: [paid.payload.items[0].productId, paid.payload.items[2].productId]
              .sort()
              .map((id) => ({ id: globalId('Product', id) })),
          },
        },
      ],
    });
    const seenByB = await disputesOf(b.vendor.id, admin.token);
    expect(seenByB.data?.vendor?.disputes?.edges[0].node.amount).toEqual({ amount: 4000, currency: 'USD' });
  });

  it.each([
    ['anonymous', () => undefined],
    ['a customer', () => person(Role.CUSTOMER).token],
    ['another vendor', () => person(Role.VENDOR).token],
  ])('%s → disputes null with FORBIDDEN', async (_who, token) => {
    const a = await activeVendor(vendor, admin);
    const result = await disputesOf(a.vendor.id, token());
    expect(result.data?.vendor?.disputes).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('a malformed cursor → BAD_USER_INPUT', async () => {
    const a = await activeVendor(vendor, admin);
    const result = await disputesOf(a.vendor.id, a.owner.token, 'not-a-cursor');
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an older revision arriving after a newer one changes nothing (a closed dispute stays closed)', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const closedAt = new Date().toISOString();
    await deliverEvent(
      vendor,
      Events.PaymentDisputeUpdated,
      updated(paid, { status: DisputeStatus.LOST, closedAt, revision: 3 }),
    );
    await deliverEvent(
      vendor,
      Events.PaymentDisputeUpdated,
      updated(paid, { status: DisputeStatus.UNDER_REVIEW, revision: 2 }),
    );
    const node = (await disputesOf(a.vendor.id, a.owner.token)).data?.vendor?.disputes?.edges[0].node;
    expect(node).toMatchObject({ status: 'LOST', closedAt });
  });

  it('arriving before order.paid: retried, recorded once the order is credited', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = orderPaidEvent([{ vendorId: a.vendor.id, price: 700 }]);
    const early = createEnvelope(Events.PaymentDisputeUpdated, updated(paid), {
      source: 'payments',
      correlationId: 'test-early',
      aggregateId: paid.payload.paymentId,
    });
    await vendor.subgraph.events.transport.publish(early);
    await deliver(vendor, paid);
    const total = await until(async () => {
      const count = (await disputesOf(a.vendor.id, a.owner.token)).data?.vendor?.disputes?.totalCount;
      return count === 1 ? count : undefined;
    }, 'the early dispute to be recorded');
    expect(total).toBe(1);
  });
});

describe('a dispute of money that came for a cancelled order (never credited here)', () => {
  it('is handled at once: no dispute row, no debit, no retry', async () => {
    const a = await activeVendor(vendor, admin);
    const neverPaid = orderPaidEvent([{ vendorId: a.vendor.id, price: 900 }]);
    await deliverEvent(vendor, Events.PaymentDisputeUpdated, { ...updated(neverPaid), orderCancelled: true });
    const lost = closedEvent(neverPaid, 'LOST');
    await deliver(vendor, { ...lost, payload: { ...lost.payload, orderCancelled: true } });
    expect((await disputesOf(a.vendor.id, a.owner.token)).data?.vendor?.disputes?.totalCount).toBe(0);
    expect(await refundsOf(a.vendor.id)).toEqual([]);
  });
});

describe('payment.dispute_closed → the ledger', () => {
  it('LOST debits every line like a refund (REFUND and REFUND_COMMISSION), once however often delivered', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [
      { vendorId: a.vendor.id, price: 1000 },
      { vendorId: a.vendor.id, price: 2000 },
    ]);
    await deliver(vendor, closedEvent(paid, 'LOST'));
    await deliver(vendor, closedEvent(paid, 'LOST'));
    const rows = await refundsOf(a.vendor.id);
    expect(rows.map((row) => [row.kind, row.amount]).sort()).toEqual(
      [
        ['REFUND', -1000],
        ['REFUND', -2000],
        ['REFUND_COMMISSION', 150],
        ['REFUND_COMMISSION', 300],
      ].sort(),
    );
  });

  it('WON debits nothing', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    await deliver(vendor, closedEvent(paid, 'WON'));
    expect(await refundsOf(a.vendor.id)).toEqual([]);
  });

  it.each(['refund first', 'loss first'])('a charge refunded and lost (%s) is debited once', async (order) => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    const steps = [() => deliver(vendor, refundEvent(paid)), () => deliver(vendor, closedEvent(paid, 'LOST'))];
    if (order === 'loss first') steps.reverse();
    for (const step of steps) await step();
    expect((await refundsOf(a.vendor.id)).map((row) => row.kind).sort()).toEqual(['REFUND', 'REFUND_COMMISSION']);
  });

  it('a refund and a loss delivered at once are debited once', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = await paidOrder(vendor, [{ vendorId: a.vendor.id, price: 1000 }]);
    await Promise.all([deliver(vendor, refundEvent(paid)), deliver(vendor, closedEvent(paid, 'LOST'))]);
    expect((await refundsOf(a.vendor.id)).map((row) => row.kind).sort()).toEqual(['REFUND', 'REFUND_COMMISSION']);
  });
});
