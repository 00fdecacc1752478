import { randomUUID } from 'node:crypto';
import { Envelope, queryRows } from '@marketplace/kit';
import { uuidOf } from '@marketplace/kit/testing';
import type { StripeEventShape } from '@marketplace/payments';
import {
  OrderWithIntent,
  ledgerOf as ledger,
  orderWithIntent as makeOrder,
  orderOf as statusOf,
  postWebhook as post,
  succeeded,
} from './testing/money';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 18 items 13 and 14, through the gateway and every subgraph: a signed success for the
 * wrong money fulfils nothing anywhere, and money that comes for a cancelled order goes back
 * without the vendor ledger dead-lettering its refund.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
const db = (subgraph: string) => supergraph.subgraphs.get(subgraph)!.deps.db;

async function signIn(email: string, password: string): Promise<string> {
  const { login } = await gql().data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

type Made = OrderWithIntent;
const orderWithIntent = () => makeOrder(supergraph);
const postWebhook = (event: StripeEventShape) => post(supergraph, WEBHOOK_SECRET, event);
const orderOf = (made: Made) => statusOf(supergraph, made);
const ledgerOf = (orderId: string) => ledger(supergraph, orderId);

const deadLettersOf = async (orderId: string) => {
  let count = 0;
  for (const subgraph of supergraph.subgraphs.keys()) {
    const [row] = await queryRows<{ n: number }>(
      db(subgraph),
      `SELECT count(*)::int AS n FROM dead_letters WHERE body::jsonb->'payload'->>'orderId' = $1`,
      [uuidOf(orderId)],
    );
    count += row.n;
  }
  return count;
};

it('the probe: a signed success for 1 EUR against the order → not paid, no license, no credit; the right money then fulfils', async () => {
  const made = await orderWithIntent();
  const wrong = await postWebhook(succeeded(made, { amount: 100, currency: 'EUR' }));
  expect(wrong).toEqual({ status: 200, body: { received: true, outcome: 'mismatch' } });
  // Nothing left payments for anyone to act on (the attempt and the webhook's arrival are facts for the timeline only).
  expect(
    await queryRows(
      db('payments'),
      `SELECT type FROM outbox WHERE envelope->'payload'->>'orderId' = $1
          AND type NOT IN ('payment.attempt_started', 'payment.webhook_received')`,
      [uuidOf(made.order.id)],
    ),
  ).toEqual([]);
  expect(await orderOf(made)).toEqual({ status: 'PENDING_PAYMENT', licenses: [] });
  expect(await ledgerOf(made.order.id)).toEqual([]);

  // The same pipeline with the right money goes all the way, so the silence above was not a delay.
  expect((await postWebhook(succeeded(made))).status).toBe(200);
  const fulfilled = await until(async () => {
    const order = await orderOf(made);
    return order.status === 'FULFILLED' ? order : undefined;
  }, 'the order to be fulfilled');
  expect(fulfilled.licenses).toHaveLength(1);
  await until(async () => ((await ledgerOf(made.order.id)).length === 2 ? true : undefined), 'the vendor credit');
});

it('a late payment on a cancelled order: refunded automatically; the vendor ledger hears the refund, writes nothing, dead-letters nothing', async () => {
  const made = await orderWithIntent();
  await gql().data(`mutation($o: ID!) { cancelOrder(input: { orderId: $o }) { order { status } } }`, {
    variables: { o: made.order.id },
    token: made.token,
  });
  await until(
    async () =>
      (
        await queryRows<{ status: string }>(db('payments'), `SELECT status FROM orders WHERE id = $1`, [
          uuidOf(made.order.id),
        ])
      )[0]?.status === 'CANCELLED'
        ? true
        : undefined,
    'payments to hear of the cancellation',
  );

  expect((await postWebhook(succeeded(made))).body).toEqual({ received: true, outcome: 'applied' });

  // The local provider's signed charge.refunded comes back through the webhook: payment.refunded follows.
  const refunded = await until(async () => {
    const [row] = await queryRows<{ envelope: Envelope }>(
      db('payments'),
      `SELECT envelope FROM outbox WHERE type = 'payment.refunded' AND envelope->'payload'->>'orderId' = $1`,
      [uuidOf(made.order.id)],
    );
    return row?.envelope;
  }, 'the automatic refund');
  expect(refunded.payload).toMatchObject({ orderCancelled: true });
  // Handled by the ledger (its inbox row commits only when the handler succeeds), not retried into a dead letter.
  await until(
    async () =>
      (
        await queryRows(db('vendor'), `SELECT event_id FROM inbox WHERE event_id = $1 AND handler = $2`, [
          refunded.id,
          'ledger-debit-on-payment-refunded',
        ])
      ).length === 1
        ? true
        : undefined,
    'the vendor ledger to handle payment.refunded',
  );
  expect(await ledgerOf(made.order.id)).toEqual([]);
  expect(await deadLettersOf(made.order.id)).toBe(0);
  expect(await orderOf(made)).toEqual({ status: 'CANCELLED', licenses: [] });
});

it('a refund after the credit still debits the vendor', async () => {
  const admin = await signIn('admin@marketplace.local', 'admin-password-123');
  const made = await orderWithIntent();
  expect((await postWebhook(succeeded(made))).status).toBe(200);
  await until(async () => ((await ledgerOf(made.order.id)).length === 2 ? true : undefined), 'the vendor credit');
  await gql().data(
    `mutation($o: ID!) { refundOrder(input: { orderId: $o, reason: "Customer asked" }) { payment { status } } }`,
    {
      variables: { o: made.order.id },
      token: admin,
    },
  );
  const entries = await until(async () => {
    const rows = await ledgerOf(made.order.id);
    return rows.length === 4 ? rows : undefined;
  }, 'the vendor debit');
  expect(entries.map((entry) => entry.kind).sort()).toEqual(['COMMISSION', 'REFUND', 'REFUND_COMMISSION', 'SALE']);
  expect(entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(0);
  expect(await deadLettersOf(made.order.id)).toBe(0);
});
