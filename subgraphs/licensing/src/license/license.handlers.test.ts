import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, person, productState, uuidOf } from '@marketplace/kit/testing';
import { licensed, licensesOf, orderPaid, outboxOf, startLicensing, until, validate } from '../testing';

/** The saga's licensing steps: issue on order.paid, revoke on payment.refunded, each exactly once. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

const licenseRows = (orderId: string) =>
  queryRows(
    licensing.subgraph.deps.db,
    `SELECT id, product_id AS "productId", owner_id AS "ownerId", status, max_activations AS max FROM licenses WHERE order_id = $1 ORDER BY product_id`,
    [orderId],
  );

type OrderLicensed = PayloadOf<typeof Events.OrderLicensed>;

const refund = (orderId: string, reason = 'customer asked') =>
  deliverEvent(licensing, Events.PaymentRefunded, {
    paymentId: randomUUID(),
    orderId,
    amount: { amount: 3000, currency: 'USD' },
    providerRef: 'pi_test',
    reason,
  });

describe('order.paid', () => {
  it('issues one ACTIVE license per line and records license.issued for each', async () => {
    const owner = person();
    const [a, b] = [randomUUID(), randomUUID()].sort();
    const order = orderPaid(owner, [a, b]);
    await deliverEvent(licensing, Events.OrderPaid, order);
    const rows = await licenseRows(order.orderId);
    expect(rows).toEqual([
      { id: expect.any(String), productId: a, ownerId: owner.id, status: 'ACTIVE', max: 3 },
      { id: expect.any(String), productId: b, ownerId: owner.id, status: 'ACTIVE', max: 3 },
    ]);
    const envelopes = await until(async () => {
      const found = (await outboxOf<PayloadOf<typeof Events.LicenseIssued>>(licensing, order.orderId)).filter(
        (e) => e.type === 'license.issued',
      );
      return found.length === 2 ? found : undefined;
    }, 'two license.issued events');
    expect(envelopes.map((e) => e.type)).toEqual(['license.issued', 'license.issued']);
    expect(envelopes.map((e) => e.payload).sort((x, y) => x.productId.localeCompare(y.productId))).toEqual(
      rows.map((row) => ({ licenseId: row.id, productId: row.productId, ownerId: owner.id, orderId: order.orderId })),
    );
  });

  it('records order.licensed once: the order, its payment and the keys the licenses hold and their owner reads', async () => {
    const owner = person();
    const [a, b] = [randomUUID(), randomUUID()].sort();
    // The same product on two lines is one license, so one entry.
    const order = orderPaid(owner, [a, b, a]);
    const paid = await deliverEvent(licensing, Events.OrderPaid, order);
    const envelopes = await outboxOf<OrderLicensed>(licensing, order.orderId);
    expect(envelopes.map((e) => e.type)).toEqual(['license.issued', 'license.issued', 'order.licensed']);
    const licensedEvent = envelopes[2];
    expect(licensedEvent.correlationId).toBe(paid.correlationId);
    const { licenses, ...summary } = licensedEvent.payload;
    expect(summary).toEqual(order);
    const stored = await queryRows<{ licenseId: string; productId: string; licenseKey: string }>(
      licensing.subgraph.deps.db,
      `SELECT id AS "licenseId", product_id AS "productId", license_key AS "licenseKey" FROM licenses WHERE order_id = $1`,
      [order.orderId],
    );
    const byProduct = (x: { productId: string }, y: { productId: string }) => x.productId.localeCompare(y.productId);
    expect([...licenses].sort(byProduct)).toEqual(stored.sort(byProduct));
    expect(licenses.map((license) => license.productId).sort()).toEqual([a, b]);
    const read = await licensesOf(licensing, order.orderId, owner.token);
    expect(read.map((license) => license.key).sort()).toEqual(licenses.map((license) => license.licenseKey).sort());
  });

  it('delivered again (same event, or a new event for the same order, even at once) issues and announces nothing new', async () => {
    const owner = person();
    const order = orderPaid(owner, [randomUUID(), randomUUID()]);
    const envelope = createEnvelope(Events.OrderPaid, order, {
      source: 'test',
      correlationId: 'test',
      aggregateId: order.orderId,
    });
    await deliver(licensing, envelope);
    const first = await outboxOf<OrderLicensed>(licensing, order.orderId);
    await deliver(licensing, envelope);
    await Promise.all([
      deliverEvent(licensing, Events.OrderPaid, order),
      deliverEvent(licensing, Events.OrderPaid, order),
    ]);
    expect(await licenseRows(order.orderId)).toHaveLength(2);
    const after = await outboxOf<OrderLicensed>(licensing, order.orderId);
    expect(after.map((e) => e.type)).toEqual(['license.issued', 'license.issued', 'order.licensed']);
    expect(after).toEqual(first);
  });

  it("uses the vendor's policy from the product replica; a product not replicated yet gets the default 3", async () => {
    const state = productState({ maxActivations: 5, revision: 2 });
    await deliverEvent(licensing, Events.ProductPublished, state);
    // An older revision arriving late does not undo the newer policy.
    await deliverEvent(licensing, Events.ProductUpdated, { ...state, maxActivations: 1, revision: 1 });
    const unknown = randomUUID();
    const { order } = await licensed(licensing, [state.productId, unknown]);
    const rows = await licenseRows(order.orderId);
    expect(Object.fromEntries(rows.map((row) => [row.productId, row.max]))).toEqual({
      [state.productId]: 5,
      [unknown]: 3,
    });
  });

  it('a product state without maxActivations (older catalog) means the default', async () => {
    const { maxActivations: _omitted, ...state } = productState({ maxActivations: 7 });
    await deliverEvent(licensing, Events.ProductPublished, state);
    const { license } = await licensed(licensing, [state.productId]);
    expect(license.maxActivations).toBe(3);
  });
});

describe('payment.refunded', () => {
  it("revokes the order's licenses with license.revoked each (the reason from the payload); the key then fails validation", async () => {
    const { order, licenses, key } = await licensed(licensing, [randomUUID(), randomUUID()]);
    await refund(order.orderId, 'duplicate purchase');
    expect((await licenseRows(order.orderId)).map((row) => row.status)).toEqual(['REVOKED', 'REVOKED']);
    const revoked = (await outboxOf(licensing, order.orderId)).filter((e) => e.type === 'license.revoked');
    expect(revoked.map((e) => e.payload.licenseId).sort()).toEqual(licenses.map((l) => uuidOf(l.id)).sort());
    expect(revoked[0].payload).toMatchObject({
      orderId: order.orderId,
      reason: 'duplicate purchase',
      ownerId: order.userId,
    });
    expect(await validate(licensing, key, 'machine-1')).toEqual({ valid: false, code: 'REVOKED', license: null });
  });

  it('replayed, changes nothing and records nothing more', async () => {
    const { order } = await licensed(licensing);
    await refund(order.orderId);
    await refund(order.orderId);
    expect((await outboxOf(licensing, order.orderId)).map((e) => e.type)).toEqual([
      'license.issued',
      'order.licensed',
      'license.revoked',
    ]);
  });

  it("arriving before order.paid: the order's licenses are never issued, nor is order.licensed recorded", async () => {
    const owner = person();
    const order = orderPaid(owner);
    await refund(order.orderId);
    await deliverEvent(licensing, Events.OrderPaid, order);
    expect(await licenseRows(order.orderId)).toEqual([]);
    expect(await licensesOf(licensing, order.orderId, owner.token)).toEqual([]);
    expect(await outboxOf(licensing, order.orderId)).toEqual([]);
  });
});
