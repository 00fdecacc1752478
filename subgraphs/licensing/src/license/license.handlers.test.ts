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
      const found = await outboxOf<PayloadOf<typeof Events.LicenseIssued>>(licensing, order.orderId);
      return found.length === 2 ? found : undefined;
    }, 'two license.issued events');
    expect(envelopes.map((e) => e.type)).toEqual(['license.issued', 'license.issued']);
    expect(envelopes.map((e) => e.payload).sort((x, y) => x.productId.localeCompare(y.productId))).toEqual(
      rows.map((row) => ({ licenseId: row.id, productId: row.productId, ownerId: owner.id, orderId: order.orderId })),
    );
  });

  it('delivered again (same event, or a new event for the same order) issues nothing new', async () => {
    const owner = person();
    const order = orderPaid(owner, [randomUUID(), randomUUID()]);
    const envelope = createEnvelope(Events.OrderPaid, order, {
      source: 'test',
      correlationId: 'test',
      aggregateId: order.orderId,
    });
    await deliver(licensing, envelope);
    await deliver(licensing, envelope);
    await deliverEvent(licensing, Events.OrderPaid, order);
    expect(await licenseRows(order.orderId)).toHaveLength(2);
    expect((await outboxOf(licensing, order.orderId)).map((e) => e.type)).toEqual(['license.issued', 'license.issued']);
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
      'license.revoked',
    ]);
  });

  it("arriving before order.paid: the order's licenses are never issued", async () => {
    const owner = person();
    const order = orderPaid(owner);
    await refund(order.orderId);
    await deliverEvent(licensing, Events.OrderPaid, order);
    expect(await licenseRows(order.orderId)).toEqual([]);
    expect(await licensesOf(licensing, order.orderId, owner.token)).toEqual([]);
    expect(await outboxOf(licensing, order.orderId)).toEqual([]);
  });
});
