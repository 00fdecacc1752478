import { randomUUID } from 'node:crypto';
import { Role, queryRows } from '@marketplace/kit';
import { TestSubgraph, person } from '@marketplace/kit/testing';
import {
  PaymentView,
  disputeEvent,
  eventTypes,
  intentEvent,
  orderCancelled,
  outboxOf,
  pendingPayment,
  postEvent,
  startPayments,
  stored,
  uuidOf,
} from '../testing';

/** charge.dispute.created/.updated/.closed → Payment.dispute: once per event, out of order, audited. */
let payments: TestSubgraph;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.close());

const admin = person(Role.ADMIN);
const DISPUTE_FIELDS = 'status reason amount { amount currency } evidenceDueBy openedAt closedAt';
const PAYMENT_DISPUTE = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Payment { disputed dispute { ${DISPUTE_FIELDS} } } } }`;

async function paidPayment() {
  const made = await pendingPayment(payments);
  expect((await postEvent(payments, intentEvent(made.payment, 'succeeded'))).status).toBe(200);
  return made;
}

async function disputeOf(payment: PaymentView, token = admin.token) {
  const data = await payments.client.data<{
    _entities: ({ dispute: Record<string, unknown> | null; disputed: boolean } | null)[];
  }>(PAYMENT_DISPUTE, { variables: { reps: [{ __typename: 'Payment', id: payment.id }] }, token });
  return data._entities[0];
}

const rowOf = async (payment: PaymentView) =>
  (
    await queryRows(
      payments.subgraph.deps.db,
      `SELECT status, revision, closed_at AS "closedAt" FROM payment_disputes WHERE payment_id = $1`,
      [uuidOf(payment.id)],
    )
  )[0];

const now = () => Math.floor(Date.now() / 1000);

describe('money that came for a cancelled order', () => {
  it('its dispute events say orderCancelled: true (the vendor has nothing to show or debit); a paid order says false', async () => {
    const cancelled = await pendingPayment(payments);
    await orderCancelled(payments, cancelled.order);
    expect((await postEvent(payments, intentEvent(cancelled.payment, 'succeeded'))).status).toBe(200);
    const { payment: paid } = await paidPayment();
    for (const payment of [cancelled.payment, paid]) {
      expect((await postEvent(payments, disputeEvent(payment, { type: 'closed', status: 'lost' }))).status).toBe(200);
    }
    const flagsOf = async (payment: PaymentView) =>
      (await outboxOf(payments, uuidOf(payment.id)))
        .filter((e) => e.type === 'payment.dispute_updated' || e.type === 'payment.dispute_closed')
        .map((e) => [e.type, (e.payload as { orderCancelled?: boolean }).orderCancelled]);
    expect(await flagsOf(cancelled.payment)).toEqual([
      ['payment.dispute_updated', true],
      ['payment.dispute_closed', true],
    ]);
    expect(await flagsOf(paid)).toEqual([
      ['payment.dispute_updated', false],
      ['payment.dispute_closed', false],
    ]);
  });
});

describe('happy path, one webhook at a time', () => {
  it('created: Payment.dispute open with the reason, amount and evidence deadline; payment.disputed, dispute_updated, DISPUTE_OPENED', async () => {
    const { payment } = await paidPayment();
    const due = now() + 7 * 86_400;
    const event = disputeEvent(payment, { reason: 'product_not_received', evidenceDueBy: due });
    expect(await postEvent(payments, event)).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });
    expect(await disputeOf(payment)).toEqual({
      disputed: true,
      dispute: {
        status: 'NEEDS_RESPONSE',
        reason: 'product_not_received',
        amount: { amount: 2500, currency: 'USD' },
        evidenceDueBy: new Date(due * 1000).toISOString(),
        openedAt: expect.any(String),
        closedAt: null,
      },
    });
    expect(await stored(payments, payment.id)).toMatchObject({ status: 'SUCCEEDED', disputed: true });
    const envelopes = await outboxOf(payments, uuidOf(payment.id));
    expect(envelopes.map((e) => e.type)).toEqual([
      'payment.succeeded',
      'payment.disputed',
      'audit.recorded',
      'payment.dispute_updated',
    ]);
    expect(envelopes[2].payload).toMatchObject({
      action: 'DISPUTE_OPENED',
      actor: { kind: 'SYSTEM', userId: null, role: null },
      targetType: 'Payment',
      targetId: uuidOf(payment.id),
      requestId: envelopes[3].correlationId,
    });
    expect(envelopes[3].payload).toMatchObject({
      paymentId: uuidOf(payment.id),
      orderId: uuidOf(payment.order.id),
      disputeId: (event.data.object as { id: string }).id,
      status: 'NEEDS_RESPONSE',
      revision: 1,
      closedAt: null,
    });
  });

  it('updated: the new status and deadline, revision 2; the same event again is a duplicate', async () => {
    const { payment } = await paidPayment();
    const created = disputeEvent(payment, { created: now() - 10 });
    await postEvent(payments, created);
    const disputeId = (created.data.object as { id: string }).id;
    const updated = disputeEvent(payment, { type: 'updated', disputeId, status: 'under_review', evidenceDueBy: null });
    expect((await postEvent(payments, updated)).body.outcome).toBe('applied');
    expect((await postEvent(payments, updated)).body.outcome).toBe('duplicate');
    expect((await disputeOf(payment))?.dispute).toMatchObject({ status: 'UNDER_REVIEW', evidenceDueBy: null });
    expect(await rowOf(payment)).toMatchObject({ status: 'UNDER_REVIEW', revision: 2 });
    expect((await eventTypes(payments, payment.id)).filter((t) => t === 'payment.dispute_updated')).toHaveLength(2);
  });

  it.each([
    ['won', 'WON'],
    ['lost', 'LOST'],
    ['warning_closed', 'WON'],
  ] as const)(
    'closed %s: closedAt set, payment.dispute_closed outcome %s, DISPUTE_CLOSED audited',
    async (status, outcome) => {
      const { payment } = await paidPayment();
      const created = disputeEvent(payment, { created: now() - 10 });
      await postEvent(payments, created);
      const disputeId = (created.data.object as { id: string }).id;
      expect(
        (await postEvent(payments, disputeEvent(payment, { type: 'closed', disputeId, status }))).body.outcome,
      ).toBe('applied');
      expect((await disputeOf(payment))?.dispute).toMatchObject({
        status: status.toUpperCase(),
        closedAt: expect.any(String),
      });
      const envelopes = await outboxOf(payments, uuidOf(payment.id));
      const closed = envelopes.find((e) => e.type === 'payment.dispute_closed');
      expect(closed?.payload).toMatchObject({
        outcome,
        status: status.toUpperCase(),
        orderId: uuidOf(payment.order.id),
      });
      const audits = envelopes.filter((e) => e.type === 'audit.recorded').map((e) => e.payload);
      expect(audits).toEqual([
        expect.objectContaining({ action: 'DISPUTE_OPENED' }),
        expect.objectContaining({
          action: 'DISPUTE_CLOSED',
          actor: { kind: 'SYSTEM', userId: null, role: null },
          before: { status: 'NEEDS_RESPONSE' },
          after: expect.objectContaining({ status: status.toUpperCase(), outcome }),
        }),
      ]);
    },
  );

  it('a payment never disputed answers dispute: null', async () => {
    const { payment } = await paidPayment();
    expect(await disputeOf(payment)).toEqual({ disputed: false, dispute: null });
  });
});

describe('out of order and repeated', () => {
  it('an .updated arriving after .closed does not reopen it, whatever its timestamp', async () => {
    const { payment } = await paidPayment();
    const disputeId = `dp_${randomUUID()}`;
    const t = now();
    await postEvent(payments, disputeEvent(payment, { disputeId, created: t - 30 }));
    await postEvent(payments, disputeEvent(payment, { type: 'closed', disputeId, status: 'lost', created: t - 10 }));
    for (const created of [t - 20, t + 60]) {
      const late = disputeEvent(payment, { type: 'updated', disputeId, status: 'under_review', created });
      expect((await postEvent(payments, late)).body.outcome).toBe('unchanged');
    }
    expect(await rowOf(payment)).toMatchObject({ status: 'LOST', revision: 2, closedAt: expect.any(Date) });
    expect((await eventTypes(payments, payment.id)).filter((t) => t === 'payment.dispute_closed')).toHaveLength(1);
  });

  it('an older open state arriving after a newer one is ignored (Stripe `created` orders them)', async () => {
    const { payment } = await paidPayment();
    const disputeId = `dp_${randomUUID()}`;
    const t = now();
    await postEvent(
      payments,
      disputeEvent(payment, { type: 'updated', disputeId, status: 'under_review', created: t }),
    );
    expect((await postEvent(payments, disputeEvent(payment, { disputeId, created: t - 60 }))).body.outcome).toBe(
      'unchanged',
    );
    expect(await rowOf(payment)).toMatchObject({ status: 'UNDER_REVIEW', revision: 1 });
  });

  it('.closed before anything else: opened and closed at once (payment.disputed first, then the close)', async () => {
    const { payment } = await paidPayment();
    await postEvent(payments, disputeEvent(payment, { type: 'closed', status: 'won' }));
    expect(await eventTypes(payments, payment.id)).toEqual([
      'payment.succeeded',
      'payment.disputed',
      'audit.recorded',
      'payment.dispute_updated',
      'payment.dispute_closed',
      'audit.recorded',
    ]);
    expect(await rowOf(payment)).toMatchObject({ status: 'WON' });
  });

  it('the same .created delivered five times concurrently: one dispute, one payment.disputed', async () => {
    const { payment } = await paidPayment();
    const event = disputeEvent(payment);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => postEvent(payments, event)));
    expect(outcomes.map((o) => o.body.outcome).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect((await eventTypes(payments, payment.id)).filter((t) => t === 'payment.disputed')).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('a bad signature → 400, nothing written', async () => {
    const { payment } = await paidPayment();
    const event = disputeEvent(payment);
    const response = await postEvent(payments, event, { secret: 'whsec_forged_forged_forged' });
    expect(response.status).toBe(400);
    expect(await rowOf(payment)).toBeUndefined();
    expect(await stored(payments, payment.id)).toMatchObject({ disputed: false });
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT id FROM stripe_events WHERE id = $1`, [event.id]),
    ).toEqual([]);
  });

  it('a dispute of a charge payments does not know → 200 ignored, the event id recorded, nothing else', async () => {
    const { payment } = await paidPayment();
    const event = disputeEvent({ ...payment, providerRef: 'pi_not_ours_123' });
    expect(await postEvent(payments, event)).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    expect(
      await queryRows(payments.subgraph.deps.db, `SELECT payment_id FROM stripe_events WHERE id = $1`, [event.id]),
    ).toEqual([{ payment_id: null }]);
    expect(
      await queryRows(
        payments.subgraph.deps.db,
        `SELECT count(*)::int AS n FROM payment_disputes WHERE stripe_dispute_id = $1`,
        [(event.data.object as { id: string }).id],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it.each([
    ['an unknown status', { status: 'exploded' }],
    ['no amount', { amount: undefined }],
    ['no payment intent', { payment_intent: null }],
    ['another object', { object: 'charge' }],
  ])('a signed dispute with %s → 200 ignored, no change', async (_case, patch) => {
    const { payment } = await paidPayment();
    const event = disputeEvent(payment);
    Object.assign(event.data.object, patch);
    expect((await postEvent(payments, event)).body).toEqual({ received: true, outcome: 'ignored' });
    expect(await rowOf(payment)).toBeUndefined();
    expect(await stored(payments, payment.id)).toMatchObject({ disputed: false });
  });

  it('a second dispute id for a disputed payment is not mixed into the first', async () => {
    const { payment } = await paidPayment();
    await postEvent(payments, disputeEvent(payment));
    expect((await postEvent(payments, disputeEvent(payment, { type: 'closed', status: 'lost' }))).body.outcome).toBe(
      'unchanged',
    );
    expect(await rowOf(payment)).toMatchObject({ status: 'NEEDS_RESPONSE', revision: 1 });
  });
});
