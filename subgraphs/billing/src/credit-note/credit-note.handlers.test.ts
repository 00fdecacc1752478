import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person, until } from '@marketplace/kit/testing';
import { OrderPaid, line, orderPaid, startBilling } from '../testing';
import type { CreditNoteSnapshot } from './credit-note.rules';

/** payment.partially_refunded and payment.refunded → credit notes of the invoice, each line credited once. */
let billing: TestSubgraph;
beforeAll(async () => {
  billing = await startBilling({ EVENTS_RETRY_BASE_MS: '20', EVENTS_RETRY_MAX_MS: '200', EVENTS_MAX_ATTEMPTS: '30' });
});
afterAll(() => billing.close());

const year = new Date().getUTCFullYear();
const eur = (amount: number) => ({ amount, currency: 'EUR' });

const creditNotesOf = (orderId: string) =>
  queryRows<{ number: string; refundKey: string; amount: string; snapshot: CreditNoteSnapshot }>(
    billing.subgraph.deps.db,
    `SELECT c.number, c.refund_key AS "refundKey", c.amount::text AS amount, c.snapshot
       FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE i.order_id = $1 ORDER BY c.number`,
    [orderId],
  );
const invoiceNumberOf = async (orderId: string) =>
  (
    await queryRows<{ number: string }>(billing.subgraph.deps.db, `SELECT number FROM invoices WHERE order_id = $1`, [
      orderId,
    ])
  )[0]?.number;

type PartialRefund = PayloadOf<typeof Events.PaymentPartiallyRefunded>;
type Full = PayloadOf<typeof Events.PaymentRefunded>;

const partialRefund = (order: OrderPaid, productIds: string[]): PartialRefund => {
  const items = order.items.filter((item) => productIds.includes(item.productId));
  const lines = items.map((item) => ({ productId: item.productId, amount: item.total! }));
  return {
    paymentId: order.paymentId,
    orderId: order.orderId,
    amount: order.total,
    providerRef: 'pi_test',
    refundId: randomUUID(),
    refunded: eur(lines.reduce((sum, item) => sum + item.amount.amount, 0)),
    lines,
    reason: 'customer asked',
  };
};
const fullRefund = (order: OrderPaid, extra: Partial<Full> = {}): Full => ({
  paymentId: order.paymentId,
  orderId: order.orderId,
  amount: order.total,
  providerRef: 'pi_test',
  reason: 'customer asked',
  ...extra,
});

/** Three lines of two vendors at 19 %, with coupons on two. */
async function paidOrder(): Promise<OrderPaid> {
  const [ada, bea] = [randomUUID(), randomUUID()];
  const order = orderPaid(person().id, [
    line(ada, 'Research Agent', 10_000, 1_000, 1_900, 1_000),
    line(bea, 'Mail Tool', 4_999, 500, 1_900),
    line(bea, 'Calendar Tool', 2_000, 0, 1_900),
  ]);
  await deliverEvent(billing, Events.OrderPaid, order);
  return order;
}

const summary = (note: { number: string; amount: string; snapshot: CreditNoteSnapshot }) => ({
  number: note.number,
  amount: note.amount,
  invoiceNumber: note.snapshot.invoiceNumber,
  lines: note.snapshot.lines.map((l) => [l.name, l.unitPrice, l.discount, l.taxable, l.tax, l.total]),
  totals: note.snapshot.totals,
});

describe('credit notes', () => {
  it('credits a partial refund’s lines, then the rest on payment.refunded, each line once, per-rate totals, own series', async () => {
    const order = await paidOrder();
    const invoiceNumber = await invoiceNumberOf(order.orderId);
    const [a, b, c] = order.items.map((item) => item.productId);
    await deliverEvent(billing, Events.PaymentPartiallyRefunded, partialRefund(order, [b]));
    await deliverEvent(billing, Events.PaymentRefunded, fullRefund(order));
    const notes = await creditNotesOf(order.orderId);
    expect(notes.map(summary)).toEqual([
      {
        number: expect.stringMatching(new RegExp(`^CN-${year}-\\d{6}$`)),
        amount: '5354',
        invoiceNumber,
        lines: [['Mail Tool', 4_999, 500, 4_499, 855, 5_354]],
        totals: {
          subtotal: 4_999,
          discount: 500,
          taxable: 4_499,
          tax: 855,
          total: 5_354,
          taxes: [{ rateBps: 1_900, taxable: 4_499, tax: 855 }],
        },
      },
      {
        number: expect.stringMatching(new RegExp(`^CN-${year}-\\d{6}$`)),
        amount: '13090',
        invoiceNumber,
        lines: [
          ['Research Agent', 10_000, 1_000, 9_000, 1_710, 10_710],
          ['Calendar Tool', 2_000, 0, 2_000, 380, 2_380],
        ],
        totals: {
          subtotal: 12_000,
          discount: 1_000,
          taxable: 11_000,
          tax: 2_090,
          total: 13_090,
          taxes: [{ rateBps: 1_900, taxable: 11_000, tax: 2_090 }],
        },
      },
    ]);
    expect(Number(notes[1].number.slice(-6))).toBe(Number(notes[0].number.slice(-6)) + 1);
    expect(notes[0].snapshot).toMatchObject({ reason: 'customer asked', orderNumber: order.number, currency: 'EUR' });
    const credited = await queryRows<{ productId: string }>(
      billing.subgraph.deps.db,
      `SELECT product_id AS "productId" FROM credited_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.order_id = $1`,
      [order.orderId],
    );
    expect(credited.map((row) => row.productId).sort()).toEqual([a, b, c].sort());
  });

  it('issues one credit note per refund whatever redelivers it; payment.refunded with lines credits those lines', async () => {
    const order = await paidOrder();
    const [a, b, c] = order.items.map((item) => item.productId);
    const partial = partialRefund(order, [a]);
    const envelope = await deliverEvent(billing, Events.PaymentPartiallyRefunded, partial);
    await billing.subgraph.events.transport.publish(envelope);
    await deliverEvent(billing, Events.PaymentPartiallyRefunded, partial);
    // The last refund's event came before the partial one's could have: it names its own lines.
    const last = fullRefund(order, { lines: [b, c].map((productId) => ({ productId, amount: eur(1) })) });
    await deliverEvent(billing, Events.PaymentRefunded, last);
    await deliverEvent(billing, Events.PaymentRefunded, last);
    const notes = await creditNotesOf(order.orderId);
    expect(notes.map((note) => [note.refundKey, note.snapshot.lines.map((l) => l.productId)])).toEqual([
      [partial.refundId, [a]],
      [order.paymentId, [b, c]],
    ]);
  });

  it('waits for the invoice when a refund comes first (EventTooEarlyError, retried)', async () => {
    const [ada] = [randomUUID()];
    const order = orderPaid(person().id, [line(ada, 'Agent', 3_000, 0, 2_000), line(ada, 'Tool', 1_000, 0, 2_000)]);
    const early = deliverEvent(
      billing,
      Events.PaymentPartiallyRefunded,
      partialRefund(order, [order.items[0].productId]),
    );
    // A few retries go by with no invoice to credit.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await creditNotesOf(order.orderId)).toEqual([]);
    await deliverEvent(billing, Events.OrderPaid, order);
    await early;
    const notes = await until(async () => {
      const found = await creditNotesOf(order.orderId);
      return found.length ? found : undefined;
    }, 'the credit note');
    expect(notes.map((note) => note.amount)).toEqual(['3600']);
    const dead = await queryRows(
      billing.subgraph.deps.db,
      `SELECT 1 FROM dead_letters WHERE body::jsonb->'payload'->>'orderId' = $1`,
      [order.orderId],
    );
    expect(dead).toEqual([]);
  });

  it('issues nothing for a refund of a cancelled order (never paid, never invoiced)', async () => {
    const order = orderPaid(person().id, [line(randomUUID(), 'Agent', 3_000)]);
    await deliverEvent(billing, Events.PaymentRefunded, fullRefund(order, { orderCancelled: true }));
    const partial = { ...partialRefund(order, [order.items[0].productId]), orderCancelled: true };
    await deliverEvent(billing, Events.PaymentPartiallyRefunded, partial);
    expect(await invoiceNumberOf(order.orderId)).toBeUndefined();
    expect(await creditNotesOf(order.orderId)).toEqual([]);
  });

  it('refuses (dead-letters) a refund naming a product not on the invoice, and spends no number', async () => {
    const order = await paidOrder();
    const [{ last: before }] = await queryRows<{ last: number }>(
      billing.subgraph.deps.db,
      `SELECT last FROM document_counters WHERE series = 'CN'`,
    );
    const wrong = partialRefund(order, [order.items[0].productId]);
    wrong.lines.push({ productId: randomUUID(), amount: eur(100) });
    await deliverEvent(billing, Events.PaymentPartiallyRefunded, wrong);
    const dead = await queryRows<{ error: string; attempts: number }>(
      billing.subgraph.deps.db,
      `SELECT error, attempts FROM dead_letters WHERE body::jsonb->'payload'->>'refundId' = $1`,
      [wrong.refundId],
    );
    expect(dead).toEqual([{ error: expect.stringMatching(/not on the invoice/), attempts: 1 }]);
    expect(await creditNotesOf(order.orderId)).toEqual([]);
    const [{ last: after }] = await queryRows<{ last: number }>(
      billing.subgraph.deps.db,
      `SELECT last FROM document_counters WHERE series = 'CN'`,
    );
    expect(after).toBe(before);
  });
});
