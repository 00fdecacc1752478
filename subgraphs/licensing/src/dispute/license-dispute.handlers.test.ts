import { randomUUID } from 'node:crypto';
import { DisputeStatus, Events, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, person } from '@marketplace/kit/testing';
import { activate, licensed, orderPaid, outboxOf, startLicensing, validate } from '../testing';
import { DISPUTE_LOST_REASON } from './license-dispute.service';

/** A payment dispute's steps in licensing: suspend, then restore (won) or revoke (lost), whatever the order of arrival. */
let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing();
});
afterAll(() => licensing.close());

const statuses = async (orderId: string) =>
  (
    await queryRows<{ status: string }>(
      licensing.subgraph.deps.db,
      `SELECT status FROM licenses WHERE order_id = $1 ORDER BY product_id`,
      [orderId],
    )
  ).map((row) => row.status);

const money = { amount: 3000, currency: 'USD' };
const disputed = (orderId: string) =>
  deliverEvent(licensing, Events.PaymentDisputed, {
    paymentId: randomUUID(),
    orderId,
    amount: money,
    providerRef: 'pi_test',
    reason: 'fraudulent',
  });
const closed = (orderId: string, outcome: 'WON' | 'LOST') =>
  deliverEvent(licensing, Events.PaymentDisputeClosed, {
    paymentId: randomUUID(),
    orderId,
    disputeId: `dp_${randomUUID()}`,
    outcome,
    status: DisputeStatus[outcome],
    amount: money,
    closedAt: new Date().toISOString(),
  });

describe('payment.disputed', () => {
  it("suspends the order's licenses: validation says SUSPENDED, activation and download links refuse with LICENSE_DISPUTED", async () => {
    const { owner, order, key, license } = await licensed(licensing, [randomUUID(), randomUUID()]);
    await disputed(order.orderId);
    expect(await statuses(order.orderId)).toEqual(['SUSPENDED', 'SUSPENDED']);
    expect(await validate(licensing, key, 'machine-1', { token: owner.token })).toEqual({
      valid: false,
      code: 'SUSPENDED',
      license: { id: license.id, status: 'SUSPENDED' },
    });
    const activation = await activate(licensing, key, 'machine-1', owner.token);
    expect(activation.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'LICENSE_DISPUTED' });
    const link = await licensing.client.request(
      `mutation($input: CreateDownloadLinkInput!) { createDownloadLink(input: $input) { downloadLink { url } } }`,
      { variables: { input: { licenseId: license.id } }, token: owner.token },
    );
    expect(link.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'LICENSE_DISPUTED' });
  });

  it('won: the licenses are ACTIVE again and validate; no license.revoked', async () => {
    const { owner, order, key } = await licensed(licensing);
    expect((await activate(licensing, key, 'machine-1', owner.token)).errors).toBeUndefined();
    await disputed(order.orderId);
    await closed(order.orderId, 'WON');
    expect(await statuses(order.orderId)).toEqual(['ACTIVE']);
    expect((await validate(licensing, key, 'machine-1')).code).toBe('VALID');
    expect((await outboxOf(licensing, order.orderId)).map((e) => e.type)).toEqual(['license.issued', 'order.licensed']);
  });

  it('lost: the licenses are REVOKED with license.revoked each, and a late WON changes nothing', async () => {
    const { order, key } = await licensed(licensing, [randomUUID(), randomUUID()]);
    await disputed(order.orderId);
    await closed(order.orderId, 'LOST');
    await closed(order.orderId, 'WON');
    expect(await statuses(order.orderId)).toEqual(['REVOKED', 'REVOKED']);
    const revoked = (await outboxOf(licensing, order.orderId)).filter((e) => e.type === 'license.revoked');
    expect(revoked.map((e) => e.payload.reason)).toEqual([DISPUTE_LOST_REASON, DISPUTE_LOST_REASON]);
    expect((await validate(licensing, key, 'machine-1')).code).toBe('REVOKED');
  });
});

describe('out of order', () => {
  it('a payment.disputed arriving after the close does not suspend again', async () => {
    const { order } = await licensed(licensing);
    await closed(order.orderId, 'WON');
    await disputed(order.orderId);
    expect(await statuses(order.orderId)).toEqual(['ACTIVE']);
  });

  it('licenses issued while a dispute is open start SUSPENDED; after a lost one none are issued', async () => {
    const owner = person();
    const open = orderPaid(owner);
    await disputed(open.orderId);
    await deliverEvent(licensing, Events.OrderPaid, open);
    expect(await statuses(open.orderId)).toEqual(['SUSPENDED']);
    const lost = orderPaid(owner);
    await disputed(lost.orderId);
    await closed(lost.orderId, 'LOST');
    await deliverEvent(licensing, Events.OrderPaid, lost);
    expect(await statuses(lost.orderId)).toEqual([]);
    expect(await outboxOf(licensing, lost.orderId)).toEqual([]);
  });

  it('each event replayed changes nothing more', async () => {
    const { order } = await licensed(licensing);
    await disputed(order.orderId);
    await disputed(order.orderId);
    await closed(order.orderId, 'LOST');
    await closed(order.orderId, 'LOST');
    expect((await outboxOf(licensing, order.orderId)).map((e) => e.type)).toEqual([
      'license.issued',
      'order.licensed',
      'license.revoked',
    ]);
  });
});
