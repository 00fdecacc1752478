import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import type { TestSubgraph } from '@marketplace/kit/testing';
import { person } from '@marketplace/kit/testing';
import {
  CREATE_INTENT,
  IntentView,
  PAYMENT_FIELDS,
  createIntent,
  globalId,
  orderCancelled,
  orderPlaced,
  pendingPayment,
  sqlDuring,
  startPayments,
  uuidOf,
} from '../testing';

/** createPaymentIntent, Order.payments and Payment references, in local provider mode. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const create = (orderId: unknown, token?: string) =>
  payments.client.request<{ createPaymentIntent: IntentView | null }>(CREATE_INTENT, {
    variables: { input: { orderId } },
    token,
  });

describe('createPaymentIntent', () => {
  it('gives the owner a REQUIRES_PAYMENT payment for the amount of order.created, with a local intent', async () => {
    const owner = person();
    const order = await orderPlaced(payments, owner, { amount: 4200, currency: 'EUR' });
    const { payment, clientSecret, order: paid } = await createIntent(payments, order, owner);
    expect(paid).toEqual({ id: order.id });
    expect(order.id).toBe(globalId('Order', order.orderId));
    expect(payment).toMatchObject({
      status: 'REQUIRES_PAYMENT',
      provider: 'LOCAL',
      amount: { amount: 4200, currency: 'EUR' },
      order: { id: order.id },
      disputed: false,
      failureReason: null,
      refundedAt: null,
    });
    expect(payment.providerRef).toMatch(/^pi_local_[0-9a-f]+$/);
    expect(clientSecret).toMatch(new RegExp(`^${payment.providerRef}_secret_[0-9a-f]+$`));
  });

  it('asked again, returns the same payment and client secret', async () => {
    const { owner, order, intent } = await pendingPayment(payments);
    expect(await createIntent(payments, order, owner)).toEqual(intent);
  });

  it('five concurrent calls make one payment row and one intent', async () => {
    const owner = person();
    const order = await orderPlaced(payments, owner);
    const results = await Promise.all(Array.from({ length: 5 }, () => createIntent(payments, order, owner)));
    expect(new Set(results.map((result) => result.payment.id)).size).toBe(1);
    expect(new Set(results.map((result) => result.clientSecret)).size).toBe(1);
    const rows = await queryRows(payments.subgraph.deps.db, `SELECT id FROM payments WHERE order_id = $1`, [
      order.orderId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('is NOT_FOUND to another customer (as an unknown order), FORBIDDEN to an admin (only the owner pays)', async () => {
    const order = await orderPlaced(payments, person());
    const stranger = person();
    const hidden = await create(order.id, stranger.token);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden.data?.createPaymentIntent).toBeNull();
    expect(hidden.errors).toEqual((await create(globalId('Order', randomUUID()), stranger.token)).errors);
    expect((await create(order.id, person(Role.ADMIN).token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM payments WHERE order_id = $1`, [order.orderId]),
    ).toEqual([]);
  });

  it('is UNAUTHENTICATED when signed out', async () => {
    const order = await orderPlaced(payments, person());
    expect(await payments.client.errorCode(CREATE_INTENT, { variables: { input: { orderId: order.id } } })).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('is NOT_FOUND for an order payments has not heard of, saying it may still be on its way', async () => {
    const result = await create(globalId('Order', '00000000-0000-4000-8000-000000000000'), person().token);
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(result.errors?.[0].message).toMatch(/has not heard of this order.*try again/);
  });

  const NOT_A_GLOBAL_ID = 'must be a global id (`<Type>:<uuid>`, as the API answered it)';

  it.each(['not-a-uuid', '', "1' OR '1'='1", 'Order:not-a-uuid'])(
    'is BAD_USER_INPUT on orderId for %j',
    async (orderId) => {
      const result = await create(orderId, person().token);
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.orderId', message: NOT_A_GLOBAL_ID }],
      });
    },
  );

  it.each<[string, (uuid: string) => string, string]>([
    ['its bare uuid', (uuid) => uuid, NOT_A_GLOBAL_ID],
    ['a Product id', (uuid) => globalId('Product', uuid), 'must be an id of type Order, not Product'],
    ['a Payment id', (uuid) => globalId('Payment', uuid), 'must be an id of type Order, not Payment'],
  ])("is BAD_USER_INPUT for the owner's own order given as %s; nothing is made", async (_as, idOf, message) => {
    const owner = person();
    const order = await orderPlaced(payments, owner);
    const result = await create(idOf(order.orderId), owner.token);
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.orderId', message }],
    });
    expect(result.data?.createPaymentIntent).toBeNull();
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM payments WHERE order_id = $1`, [order.orderId]),
    ).toEqual([]);
  });

  it('is CONFLICT for a cancelled order, also when the cancellation overtook the creation', async () => {
    const owner = person();
    const order = await orderPlaced(payments, owner);
    await orderCancelled(payments, order);
    const result = await create(order.id, owner.token);
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'ORDER_CANCELLED' });
  });

  it('is CONFLICT once the order is paid', async () => {
    const { owner, order, payment } = await pendingPayment(payments);
    await payments.subgraph.deps.db.query(`UPDATE payments SET status = 'SUCCEEDED' WHERE id = $1`, [
      uuidOf(payment.id),
    ]);
    const result = await create(order.id, owner.token);
    expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'ALREADY_PAID' });
  });
});

describe('Order.payments and Payment references', () => {
  const ORDERS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id payments { ${PAYMENT_FIELDS} } } } }`;
  const PAYMENTS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Payment { id status amount { amount } } } }`;

  const ordersAs = (reps: { __typename: string; id: string }[], token?: string) =>
    payments.client.request<{ _entities: { id: string; payments: { id: string }[] | null }[] }>(ORDERS, {
      variables: { reps },
      token,
    });

  it("shows an order's payment to its owner and admins, in one query per batch; [] before any intent", async () => {
    const a = await pendingPayment(payments);
    const b = await pendingPayment(payments);
    const unpaid = await orderPlaced(payments, a.owner);
    const unknown = globalId('Order', randomUUID());
    const reps = [a.order.id, unpaid.id, unknown].map((id) => ({ __typename: 'Order', id }));
    const mine = await ordersAs(reps, a.owner.token);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?._entities.map((order) => order.payments?.map((p) => p.id))).toEqual([[a.payment.id], [], []]);
    const both = [a, b].map(({ order }) => ({ __typename: 'Order', id: order.id }));
    const { result, statements } = await sqlDuring(payments, () => ordersAs(both, person(Role.ADMIN).token));
    expect(result.data?._entities.map((order) => order.payments?.map((p) => p.id))).toEqual([
      [a.payment.id],
      [b.payment.id],
    ]);
    expect(statements.filter((sql) => /FROM orders o LEFT JOIN payments/.test(sql))).toHaveLength(1);
  });

  it('is null with FORBIDDEN for another customer and a vendor, UNAUTHENTICATED signed out; each viewer sees only their own', async () => {
    const a = await pendingPayment(payments);
    const b = await pendingPayment(payments);
    const reps = [a, b].map(({ order }) => ({ __typename: 'Order', id: order.id }));
    // Two viewers, one batch each: the owner of a is refused b, and the reverse.
    const asA = await ordersAs(reps, a.owner.token);
    expect(asA.data?._entities.map((order) => order.payments?.map((p) => p.id) ?? null)).toEqual([
      [a.payment.id],
      null,
    ]);
    expect(asA.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['_entities', 1, 'payments'], 'FORBIDDEN'],
    ]);
    const asB = await ordersAs(reps, b.owner.token);
    expect(asB.data?._entities.map((order) => order.payments?.map((p) => p.id) ?? null)).toEqual([
      null,
      [b.payment.id],
    ]);
    for (const token of [person().token, person(Role.VENDOR).token]) {
      const refused = await ordersAs(reps, token);
      expect(refused.data?._entities.map((order) => order.payments)).toEqual([null, null]);
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    }
    const anonymous = await ordersAs(reps);
    expect(anonymous.data?._entities.map((order) => order.payments)).toEqual([null, null]);
    expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('resolves a Payment reference for its owner or an admin, null for anyone else', async () => {
    const { owner, payment } = await pendingPayment(payments);
    const reps = [
      { __typename: 'Payment', id: payment.id },
      { __typename: 'Payment', id: 'not-a-uuid' },
    ];
    const as = async (token?: string) =>
      (await payments.client.data<{ _entities: unknown[] }>(PAYMENTS, { variables: { reps }, token }))._entities;
    expect(await as(owner.token)).toEqual([
      { id: payment.id, status: 'REQUIRES_PAYMENT', amount: { amount: 2500 } },
      null,
    ]);
    expect((await as(person(Role.ADMIN).token))[0]).toMatchObject({ id: payment.id });
    expect(await as(person().token)).toEqual([null, null]);
    expect(await as()).toEqual([null, null]);
  });
});
