import { randomUUID } from 'node:crypto';
import { DisputeStatus, Envelope, Events, PayloadOf, Role, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, outboxOf, person, until, uuidOf } from '@marketplace/kit/testing';
import {
  OrderPaidPayload,
  activeVendor,
  ledgerRows,
  orderPaidEvent,
  refundEvent,
  setCommission,
  startVendor,
} from '../testing';

/**
 * Issue 23 in the ledger: coupons (a vendor's own come off its sale, the platform's do not) and
 * partial refunds (a line's debit is exactly its credit), to the cent.
 */
let vendor: TestSubgraph;
const admin = person(Role.ADMIN);
beforeAll(async () => {
  vendor = await startVendor({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '50' });
});
afterAll(() => vendor.close());

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** A line's money as orders prices it: list price, coupons (the vendor's part of them), tax at `taxRateBps`. */
interface LineMoney {
  vendorId: string;
  unitPrice: number;
  discount?: number;
  vendorDiscount?: number;
  taxRateBps?: number;
}

/** order.paid with the lines' discounts, tax and totals, as the orders producer sends it (not delivered). */
function paidWithCoupons(lines: LineMoney[]): Envelope<OrderPaidPayload> {
  const paid = orderPaidEvent(lines.map((line) => ({ vendorId: line.vendorId, price: line.unitPrice })));
  paid.payload.items = paid.payload.items.map((item, i) => {
    const { unitPrice, discount = 0, vendorDiscount = 0, taxRateBps = 0 } = lines[i];
    // Round half up, as orders does (exact in integers for these figures).
    const tax = Math.floor(((unitPrice - discount) * taxRateBps + 5_000) / 10_000);
    return {
      ...item,
      discount: usd(discount),
      vendorDiscount: usd(vendorDiscount),
      taxRateBps,
      tax: usd(tax),
      total: usd(unitPrice - discount + tax),
    };
  });
  paid.payload.total = usd(paid.payload.items.reduce((sum, item) => sum + item.total!.amount, 0));
  return paid;
}

function partialRefund(paid: Envelope<OrderPaidPayload>, lineIndexes: number[]) {
  const lines = lineIndexes.map((i) => ({
    productId: paid.payload.items[i].productId,
    amount: paid.payload.items[i].total!,
  }));
  return createEnvelope(
    Events.PaymentPartiallyRefunded,
    {
      paymentId: paid.payload.paymentId,
      orderId: paid.payload.orderId,
      amount: paid.payload.total,
      providerRef: 'pi_test',
      refundId: randomUUID(),
      refunded: usd(lines.reduce((sum, line) => sum + line.amount.amount, 0)),
      lines,
      reason: 'Wrong product',
    },
    { source: 'payments', correlationId: `test-${randomUUID()}`, aggregateId: paid.payload.paymentId },
  );
}

const entriesOf = async (vendorId: string) =>
  (await ledgerRows(vendor, vendorId)).map((row) => [row.kind, row.amount, row.product_id]);
const sum = async (vendorId: string) =>
  (await ledgerRows(vendor, vendorId)).reduce((total, row) => total + row.amount, 0);
const refundedAtOf = async (orderId: string) =>
  (
    await queryRows<{ refundedAt: Date | null }>(
      vendor.subgraph.deps.db,
      `SELECT refunded_at AS "refundedAt" FROM ledger_orders WHERE order_id = $1`,
      [orderId],
    )
  )[0].refundedAt;

describe('order.paid with coupons', () => {
  it("a vendor coupon comes off the vendor's sale, a platform coupon does not; tax never enters; sale_credited follows", async () => {
    const a = await activeVendor(vendor, admin); // 15 %
    const b = await activeVendor(vendor, admin);
    await setCommission(vendor, b.vendor.id, 1000, admin);
    const paid = paidWithCoupons([
      // 50.00 less the vendor's own 10.00 coupon, 20 % VAT: the vendor sells for 40.00.
      { vendorId: a.vendor.id, unitPrice: 5_000, discount: 1_000, vendorDiscount: 1_000, taxRateBps: 2_000 },
      // 30.00 less a 5.00 platform coupon: the vendor is credited the full 30.00.
      { vendorId: a.vendor.id, unitPrice: 3_000, discount: 500, taxRateBps: 2_000 },
      // 99.99 less 15.00 of coupons, 10.00 of them the vendor's: 89.99 at 10 % is 9.00 (8.999 rounded).
      { vendorId: b.vendor.id, unitPrice: 9_999, discount: 1_500, vendorDiscount: 1_000, taxRateBps: 1_900 },
    ]);
    await deliver(vendor, paid);
    const [vendorCoupon, platformCoupon, mixed] = paid.payload.items.map((item) => item.productId);
    expect(await entriesOf(a.vendor.id)).toEqual(
      expect.arrayContaining([
        ['SALE', 4_000, vendorCoupon],
        ['COMMISSION', -600, vendorCoupon],
        ['SALE', 3_000, platformCoupon],
        ['COMMISSION', -450, platformCoupon],
      ]),
    );
    expect(await sum(a.vendor.id)).toBe(5_950);
    expect(await entriesOf(b.vendor.id)).toEqual(
      expect.arrayContaining([
        ['SALE', 8_999, mixed],
        ['COMMISSION', -900, mixed],
      ]),
    );
    expect(await sum(b.vendor.id)).toBe(8_099);
    const credited = async (vendorId: string) =>
      (await outboxOf<PayloadOf<typeof Events.VendorSaleCredited>>(vendor, uuidOf(vendorId)))
        .filter((e) => e.type === 'vendor.sale_credited')
        .map((e) => [e.payload.gross.amount, e.payload.commission.amount, e.payload.net.amount]);
    expect(await credited(a.vendor.id)).toEqual([[7_000, 1_050, 5_950]]);
    expect(await credited(b.vendor.id)).toEqual([[8_999, 900, 8_099]]);
  });
});

describe('payment.partially_refunded', () => {
  it("debits exactly the line's credit (REFUND −sale, REFUND_COMMISSION +commission), once; the other lines and the order stay", async () => {
    const a = await activeVendor(vendor, admin);
    const b = await activeVendor(vendor, admin);
    const paid = paidWithCoupons([
      { vendorId: a.vendor.id, unitPrice: 5_000, discount: 1_000, vendorDiscount: 1_000, taxRateBps: 2_000 },
      { vendorId: a.vendor.id, unitPrice: 3_000, discount: 500, taxRateBps: 2_000 },
      { vendorId: b.vendor.id, unitPrice: 2_000 },
    ]);
    await deliver(vendor, paid);
    const refund = partialRefund(paid, [0]);
    await deliver(vendor, refund);
    await deliver(vendor, refund);
    await deliver(vendor, { ...refund, id: randomUUID() });
    const [vendorCoupon, platformCoupon] = paid.payload.items.map((item) => item.productId);
    const rowsA = await entriesOf(a.vendor.id);
    expect(rowsA).toHaveLength(6);
    expect(rowsA).toEqual(
      expect.arrayContaining([
        ['REFUND', -4_000, vendorCoupon],
        ['REFUND_COMMISSION', 600, vendorCoupon],
      ]),
    );
    // What is left is the platform-coupon line's credit, to the cent.
    expect(await sum(a.vendor.id)).toBe(3_000 - 450);
    expect(await sum(b.vendor.id)).toBe(2_000 - 300);
    expect(await refundedAtOf(paid.payload.orderId)).toBeNull();

    // The last lines: payment.refunded debits every line not debited before, and only those.
    await deliver(vendor, refundEvent(paid));
    expect(await entriesOf(a.vendor.id)).toEqual(
      expect.arrayContaining([
        ['REFUND', -3_000, platformCoupon],
        ['REFUND_COMMISSION', 450, platformCoupon],
      ]),
    );
    expect(await entriesOf(a.vendor.id)).toHaveLength(8);
    expect(await sum(a.vendor.id)).toBe(0);
    expect(await sum(b.vendor.id)).toBe(0);
    expect(await refundedAtOf(paid.payload.orderId)).toEqual(expect.any(Date));
  });

  it('arriving before its order.paid is retried, then debits only its line', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = paidWithCoupons([
      { vendorId: a.vendor.id, unitPrice: 1_000 },
      { vendorId: a.vendor.id, unitPrice: 2_000 },
    ]);
    await vendor.subgraph.events.transport.publish(partialRefund(paid, [1]));
    await until(
      () =>
        vendor.logs
          .records()
          .some(
            (r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(paid.payload.orderId),
          )
          ? true
          : undefined,
      'the early partial refund to be retried',
    );
    await deliver(vendor, paid);
    await until(async () => ((await entriesOf(a.vendor.id)).length === 6 ? true : undefined), 'the debit');
    expect(await sum(a.vendor.id)).toBe(1_000 - 150);
  });

  it('a refund of money that came for a cancelled order (never paid, never credited) debits nothing and is not retried', async () => {
    const a = await activeVendor(vendor, admin);
    const never = paidWithCoupons([{ vendorId: a.vendor.id, unitPrice: 1_000 }]);
    const cancelled = partialRefund(never, [0]);
    await deliver(vendor, { ...cancelled, payload: { ...cancelled.payload, orderCancelled: true } });
    expect(await entriesOf(a.vendor.id)).toEqual([]);
    expect(
      vendor.logs
        .records()
        .some(
          (r) => r.msg === 'event handler failed; retrying' && String(r.err?.message).includes(never.payload.orderId),
        ),
    ).toBe(false);
  });

  it('a dispute lost after a partial refund debits the lines left, never a line twice', async () => {
    const a = await activeVendor(vendor, admin);
    const paid = paidWithCoupons([
      { vendorId: a.vendor.id, unitPrice: 1_000 },
      { vendorId: a.vendor.id, unitPrice: 2_000, discount: 200, vendorDiscount: 200 },
    ]);
    await deliver(vendor, paid);
    await deliver(vendor, partialRefund(paid, [0]));
    await deliver(
      vendor,
      createEnvelope(
        Events.PaymentDisputeClosed,
        {
          paymentId: paid.payload.paymentId,
          orderId: paid.payload.orderId,
          disputeId: `dp_${paid.payload.orderId.slice(0, 8)}`,
          outcome: 'LOST',
          status: DisputeStatus.LOST,
          amount: usd(1_800),
          closedAt: new Date().toISOString(),
        },
        { source: 'payments', correlationId: `test-${randomUUID()}`, aggregateId: paid.payload.paymentId },
      ),
    );
    const kinds = (await entriesOf(a.vendor.id)).map(([kind]) => kind).sort();
    expect(kinds).toEqual(
      ['COMMISSION', 'COMMISSION', 'REFUND', 'REFUND', 'REFUND_COMMISSION', 'REFUND_COMMISSION', 'SALE', 'SALE'].sort(),
    );
    expect(await sum(a.vendor.id)).toBe(0);
  });
});
