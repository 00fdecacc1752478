import { Role, queryRows } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { person } from '@marketplace/kit/testing';
import {
  PlacedOrder,
  REFUND_LINES,
  RefundChange,
  createIntent,
  globalId,
  intentEvent,
  orderPlaced,
  orderWithLines,
  outboxOf,
  postEvent,
  startPayments,
  stored,
  uuidOf,
} from '../testing';

/**
 * Partial refunds through refundOrder (issue 23), with the local provider: its signed
 * charge.refunded (cumulative `amount_refunded`, as Stripe's) lands before the answer.
 */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const admin = person(Role.ADMIN);
const productOf = (order: PlacedOrder, index: number) => globalId('Product', order.items[index].productId);
const refund = (orderId: string, productIds: string[] | undefined, reason = 'Customer asked', token = admin.token) =>
  payments.client.request<{ refundOrder: RefundChange | null }>(REFUND_LINES, {
    variables: { input: { orderId, reason, ...(productIds ? { productIds } : {}) } },
    token,
  });

/** A paid order of lines with these totals (USD). */
async function paidOrder(totals: number[]) {
  const owner = person();
  const order = await orderWithLines(payments, owner, totals);
  const { payment } = await createIntent(payments, order, owner);
  expect((await postEvent(payments, intentEvent(payment, 'succeeded'))).body.outcome).toBe('applied');
  return { owner, order, payment };
}

const envelopesOf = async (paymentId: string) => outboxOf(payments, uuidOf(paymentId));
const refundRows = (paymentId: string) =>
  queryRows(payments.subgraph.deps.db, `SELECT status, amount FROM refunds WHERE payment_id = $1`, [uuidOf(paymentId)]);

const PAYMENT_REFUNDS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Payment { status refunded { amount currency } refunds { reason status amount { amount } products { id } } } } }`;

describe('refundOrder of some lines', () => {
  it('one line, then the rest: payment.partially_refunded with that line, then payment.refunded with the rest; then nothing is left', async () => {
    const { order, payment } = await paidOrder([1_000, 1_500, 2_000]);
    const first = await refund(order.id, [productOf(order, 1)], '  Wrong product  ');
    expect(first.errors).toBeUndefined();
    expect(first.data?.refundOrder).toEqual({
      payment: expect.objectContaining({
        id: payment.id,
        status: 'SUCCEEDED',
        refunded: { amount: 1_500, currency: 'USD' },
      }),
      refund: {
        id: expect.stringMatching(/^Refund:/),
        status: 'SUCCEEDED',
        reason: 'Wrong product',
        amount: { amount: 1_500, currency: 'USD' },
        products: [{ id: productOf(order, 1) }],
        createdAt: expect.any(String),
        succeededAt: expect.any(String),
      },
      order: { id: order.id },
    });
    let envelopes = await envelopesOf(payment.id);
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
    expect(envelopes[1].payload).toEqual({
      paymentId: uuidOf(payment.id),
      orderId: order.orderId,
      amount: { amount: 4_500, currency: 'USD' },
      providerRef: payment.providerRef,
      refundId: uuidOf(first.data!.refundOrder!.refund.id),
      refunded: { amount: 1_500, currency: 'USD' },
      lines: [{ productId: order.items[1].productId, amount: { amount: 1_500, currency: 'USD' } }],
      reason: 'Wrong product',
      orderCancelled: false,
    });

    const rest = await refund(order.id, [], 'Closing the account');
    expect(rest.data?.refundOrder).toMatchObject({
      payment: { status: 'REFUNDED', refunded: { amount: 4_500, currency: 'USD' }, refundedAt: expect.any(String) },
      refund: {
        status: 'SUCCEEDED',
        amount: { amount: 3_000 },
        products: expect.arrayContaining([{ id: productOf(order, 0) }, { id: productOf(order, 2) }]),
      },
    });
    envelopes = await envelopesOf(payment.id);
    expect(envelopes.map((e) => e.type)).toEqual([
      'payment.succeeded',
      'payment.partially_refunded',
      'payment.refunded',
    ]);
    expect(envelopes[2].payload).toMatchObject({
      reason: 'Closing the account',
      orderCancelled: false,
      lines: expect.arrayContaining([
        { productId: order.items[0].productId, amount: { amount: 1_000, currency: 'USD' } },
        { productId: order.items[2].productId, amount: { amount: 2_000, currency: 'USD' } },
      ]),
    });
    expect((envelopes[2].payload as { lines: unknown[] }).lines).toHaveLength(2);

    const again = await refund(order.id, undefined);
    expect(again.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'ALREADY_REFUNDED' });
    // A line named is answered for that line, even once nothing is left.
    const named = await refund(order.id, [productOf(order, 0)]);
    expect(named.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'LINE_ALREADY_REFUNDED',
      fields: [{ field: 'input.productIds.0', message: 'was refunded already' }],
    });

    const data = await payments.client.data<{ _entities: Record<string, unknown>[] }>(PAYMENT_REFUNDS, {
      variables: { reps: [{ __typename: 'Payment', id: payment.id }] },
      token: admin.token,
    });
    expect(data._entities[0]).toEqual({
      status: 'REFUNDED',
      refunded: { amount: 4_500, currency: 'USD' },
      refunds: [
        {
          reason: 'Wrong product',
          status: 'SUCCEEDED',
          amount: { amount: 1_500 },
          products: [{ id: productOf(order, 1) }],
        },
        {
          reason: 'Closing the account',
          status: 'SUCCEEDED',
          amount: { amount: 3_000 },
          products: [productOf(order, 0), productOf(order, 2)].sort().map((id) => ({ id })),
        },
      ],
    });
  });

  it('the last line named (not "the rest") also ends REFUNDED; a full refund of an untouched order has no `lines` (every line)', async () => {
    const { order, payment } = await paidOrder([1_000, 2_000]);
    expect((await refund(order.id, [productOf(order, 0)])).errors).toBeUndefined();
    expect((await refund(order.id, [productOf(order, 1)])).data?.refundOrder?.payment.status).toBe('REFUNDED');
    const refunded = (await envelopesOf(payment.id)).at(-1)!;
    expect(refunded).toMatchObject({
      type: 'payment.refunded',
      payload: { lines: [{ productId: order.items[1].productId, amount: { amount: 2_000, currency: 'USD' } }] },
    });

    const whole = await paidOrder([1_000, 2_000]);
    expect((await refund(whole.order.id, undefined)).data?.refundOrder?.payment.status).toBe('REFUNDED');
    const envelopes = await envelopesOf(whole.payment.id);
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.refunded']);
    expect(envelopes[1].payload).not.toHaveProperty('lines');
  });

  it('a line refunded before → CONFLICT (LINE_ALREADY_REFUNDED) naming it; nothing changes', async () => {
    const { order, payment } = await paidOrder([1_000, 1_500, 2_000]);
    expect((await refund(order.id, [productOf(order, 0)])).errors).toBeUndefined();
    const again = await refund(order.id, [productOf(order, 2), productOf(order, 0)]);
    expect(again.errors?.[0].extensions).toEqual({
      code: 'CONFLICT',
      reason: 'LINE_ALREADY_REFUNDED',
      fields: [{ field: 'input.productIds.1', message: 'was refunded already' }],
    });
    expect(again.data?.refundOrder).toBeNull();
    expect(await refundRows(payment.id)).toEqual([{ status: 'SUCCEEDED', amount: 1_000 }]);
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it.each<[string, (order: PlacedOrder, paymentId: string) => string[], { field: string; message: string }[]]>([
    [
      'a product of another order',
      () => [globalId('Product', '00000000-0000-4000-8000-000000000001')],
      [{ field: 'input.productIds.0', message: 'is not a product of this order' }],
    ],
    [
      'a malformed id',
      (order) => [productOf(order, 0), 'not-an-id'],
      [{ field: 'input.productIds.1', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
    ],
    [
      'an id of another type',
      (order) => [order.id],
      [{ field: 'input.productIds.0', message: 'must be an id of type Product, not Order' }],
    ],
    [
      'a product named twice',
      (order) => [productOf(order, 0), productOf(order, 1), productOf(order, 0)],
      [{ field: 'input.productIds.2', message: 'is named twice' }],
    ],
  ])('%s → BAD_USER_INPUT on input.productIds.N; nothing changes', async (_case, ids, fields) => {
    const { order, payment } = await paidOrder([1_000, 1_500]);
    const result = await refund(order.id, ids(order, payment.id));
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields });
    expect(await refundRows(payment.id)).toEqual([]);
    expect((await envelopesOf(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it.each([
    ["the order's owner", 'owner', 'FORBIDDEN'],
    ['a vendor', Role.VENDOR, 'FORBIDDEN'],
    ['a signed-out visitor', null, 'UNAUTHENTICATED'],
  ] as const)('naming lines, is %s → %s, and nothing changes', async (_who, role, code) => {
    const { owner, order, payment } = await paidOrder([1_000, 1_500]);
    const token = role === 'owner' ? owner.token : role === null ? undefined : person(role).token;
    const result = await payments.client.request(REFUND_LINES, {
      variables: { input: { orderId: order.id, productIds: [productOf(order, 0)], reason: 'no' } },
      token,
    });
    expect(result.errors?.[0].extensions?.code).toBe(code);
    expect(await refundRows(payment.id)).toEqual([]);
  });

  it('races: two refunds of one line and one of another, at once: one of the first two wins, the other is CONFLICT (LINE_ALREADY_REFUNDED); every cent once', async () => {
    const { order, payment } = await paidOrder([1_000, 1_500]);
    const results = await Promise.all([
      refund(order.id, [productOf(order, 0)], 'first'),
      refund(order.id, [productOf(order, 0)], 'second'),
      refund(order.id, [productOf(order, 1)], 'other line'),
    ]);
    const sameLine = results.slice(0, 2);
    expect(sameLine.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(sameLine.find((r) => r.errors)!.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'LINE_ALREADY_REFUNDED',
      fields: [{ field: 'input.productIds.0', message: expect.stringMatching(/refunded already/) }],
    });
    expect(results[2].errors).toBeUndefined();
    const [row] = await queryRows(
      payments.subgraph.deps.db,
      `SELECT status, refunded_amount AS refunded FROM payments WHERE id = $1`,
      [uuidOf(payment.id)],
    );
    expect(row).toEqual({ status: 'REFUNDED', refunded: 2_500 });
    const types = (await envelopesOf(payment.id)).map((e) => e.type);
    expect(types).toEqual(['payment.succeeded', 'payment.partially_refunded', 'payment.refunded']);
  });

  it('a line a coupon made free (total 0) is refunded at once, without the provider', async () => {
    const { order, payment } = await paidOrder([0, 2_000]);
    const result = await refund(order.id, [productOf(order, 0)]);
    expect(result.data?.refundOrder).toMatchObject({
      payment: { status: 'SUCCEEDED', refunded: { amount: 0 } },
      refund: { status: 'SUCCEEDED', amount: { amount: 0 } },
    });
    const envelopes = await envelopesOf(payment.id);
    expect(envelopes.map((e) => e.type)).toEqual(['payment.succeeded', 'payment.partially_refunded']);
    expect(envelopes[1].payload).toMatchObject({ refunded: { amount: 0 }, lines: [{ amount: { amount: 0 } }] });
  });

  it('an order whose lines do not add up to its total is refunded whole only', async () => {
    const owner = person();
    const order = await orderPlaced(payments, owner, { amount: 3_000, currency: 'USD' });
    // orderPlaced's one line is of the whole total; this order's line says otherwise.
    await queryRows(payments.subgraph.deps.db, `DELETE FROM order_lines WHERE order_id = $1`, [order.orderId]);
    const { payment } = await createIntent(payments, order, owner);
    await postEvent(payments, intentEvent(payment, 'succeeded'));
    expect((await refund(order.id, [productOf(order, 0)])).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.productIds.0', message: 'is not a product of this order' }],
    });
    const whole = await refund(order.id, undefined);
    expect(whole.data?.refundOrder).toMatchObject({
      payment: { status: 'REFUNDED', refunded: { amount: 3_000 } },
      refund: { amount: { amount: 3_000 }, products: [] },
    });
    expect((await envelopesOf(payment.id))[1].payload).not.toHaveProperty('lines');
  });
});
