import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, createEnvelope, queryRows } from '@marketplace/kit';
import {
  Person,
  TestSubgraph,
  deliver,
  globalId,
  outboxOf,
  person,
  startTestSubgraph,
  uuidOf,
} from '@marketplace/kit/testing';
import { readPaymentsConfig } from './config';
import { paymentsSubgraph } from './index';
import { DisputeEventFacts, disputeEvent as stripeDisputeEvent } from './dispute/stripe-dispute';
import { StripeEventShape, paymentIntentEvent, signed } from './webhook/stripe-event';

/**
 * Payments for a test. With the local provider (no STRIPE_SECRET_KEY) it serves the development
 * variant of the schema, as `npm start` does (PAYMENT_SIMULATION_ENABLED=true, so `simulatePayment`
 * and `PaymentProvider.LOCAL` exist), unless `env` sets PAYMENT_SIMULATION_ENABLED itself.
 */
export function startPayments(env: Record<string, string> = {}): Promise<TestSubgraph> {
  const development: Record<string, string> =
    env.STRIPE_SECRET_KEY === undefined && env.PAYMENT_SIMULATION_ENABLED === undefined
      ? { PAYMENT_SIMULATION_ENABLED: 'true' }
      : {};
  return startTestSubgraph(paymentsSubgraph, { ...development, ...env });
}

export type OrderCreated = PayloadOf<typeof Events.OrderCreated>;

/** An order as announced (`orderId`: the raw uuid events and SQL use) with `id`, its global id the API takes and answers. */
export type PlacedOrder = OrderCreated & { id: string };

/** An order placed by `owner`, as the orders subgraph announces it. */
export async function orderPlaced(
  payments: TestSubgraph,
  owner: Person,
  total = { amount: 2500, currency: 'USD' },
): Promise<PlacedOrder> {
  const orderId = randomUUID();
  const payload: OrderCreated = {
    orderId,
    number: `M-${orderId.slice(0, 8)}`,
    userId: owner.id,
    total,
    items: [{ productId: randomUUID(), vendorId: randomUUID(), name: 'Research Agent', unitPrice: total }],
  };
  return orderCreated(payments, payload);
}

/** An order of several lines (each a product), placed by `owner`; its total is the sum of the lines' totals. */
export async function orderWithLines(
  payments: TestSubgraph,
  owner: Person,
  totals: number[],
  currency = 'USD',
): Promise<PlacedOrder> {
  const orderId = randomUUID();
  const money = (amount: number) => ({ amount, currency });
  const payload: OrderCreated = {
    orderId,
    number: `M-${orderId.slice(0, 8)}`,
    userId: owner.id,
    total: money(totals.reduce((sum, total) => sum + total, 0)),
    // List prices above the totals: the lines' totals, not their unit prices, are what goes back.
    items: totals.map((total, index) => ({
      productId: randomUUID(),
      vendorId: randomUUID(),
      name: `Product ${index + 1}`,
      unitPrice: money(total + 100),
      discount: money(100),
      total: money(total),
    })),
  };
  return orderCreated(payments, payload);
}

export async function orderCancelled(payments: TestSubgraph, order: OrderCreated): Promise<void> {
  const payload = { orderId: order.orderId, userId: order.userId, reason: 'CUSTOMER' as const };
  await deliver(
    payments,
    createEnvelope(Events.OrderCancelled, payload, {
      source: 'test',
      correlationId: `test-${order.orderId}`,
      aggregateId: order.orderId,
    }),
  );
}

export const PAYMENT_FIELDS =
  'id status provider providerRef failureReason disputed refundedAt createdAt updatedAt amount { amount currency } order { id }';

export interface PaymentView {
  id: string;
  status: 'REQUIRES_PAYMENT' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';
  provider: 'STRIPE' | 'LOCAL';
  providerRef: string | null;
  failureReason: string | null;
  disputed: boolean;
  refundedAt: string | null;
  createdAt: string;
  updatedAt: string;
  amount: { amount: number; currency: string };
  order: { id: string };
}

export interface IntentView {
  payment: PaymentView;
  clientSecret: string;
  order: { id: string };
}

/** What refundOrder and simulatePayment answer. */
export interface PaymentChange {
  payment: PaymentView;
  order: { id: string };
}

export const CREATE_INTENT = `mutation($input: CreatePaymentIntentInput!) { createPaymentIntent(input: $input) { clientSecret payment { ${PAYMENT_FIELDS} } order { id } } }`;
export const REFUND = `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { payment { ${PAYMENT_FIELDS} } order { id } } }`;
/** refundOrder with what it says of the refund; `productIds` as the API takes them (global ids). */
export const REFUND_LINES = `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { payment { ${PAYMENT_FIELDS} refunded { amount currency } } refund { id status reason amount { amount currency } products { id } createdAt succeededAt } order { id } } }`;

export interface RefundView {
  id: string;
  status: 'REQUESTED' | 'SUCCEEDED';
  reason: string;
  amount: { amount: number; currency: string };
  products: { id: string }[];
  createdAt: string;
  succeededAt: string | null;
}

export interface RefundChange {
  payment: PaymentView & { refunded: { amount: number; currency: string } };
  refund: RefundView;
  order: { id: string };
}

export const SIMULATE = `mutation($input: SimulatePaymentInput!) { simulatePayment(input: $input) { payment { ${PAYMENT_FIELDS} } order { id } } }`;

export async function createIntent(payments: TestSubgraph, order: PlacedOrder, owner: Person): Promise<IntentView> {
  const data = await payments.client.data<{ createPaymentIntent: IntentView }>(CREATE_INTENT, {
    variables: { input: { orderId: order.id } },
    token: owner.token,
  });
  return data.createPaymentIntent;
}

/** A new order of a new customer with its payment intent. */
export async function pendingPayment(payments: TestSubgraph, total?: { amount: number; currency: string }) {
  const owner = person();
  const order = await orderPlaced(payments, owner, total);
  const intent = await createIntent(payments, order, owner);
  return { owner, order, intent, payment: intent.payment };
}

export const webhookUrl = (payments: TestSubgraph) => `${payments.subgraph.deps.origin()}/webhooks/stripe`;

/** The secret this subgraph verifies with (the generated development one unless configured). */
export const webhookSecretOf = (payments: TestSubgraph) => readPaymentsConfig(payments.subgraph.deps.env).webhookSecret;

/** Posts `event` as Stripe would: signed with the subgraph's secret unless told otherwise. */
export async function postEvent(
  payments: TestSubgraph,
  event: StripeEventShape,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { body, signature } = await signed(event, options.secret ?? webhookSecretOf(payments), options.timestamp);
  const header = options.signature === undefined ? signature : options.signature;
  const response = await fetch(webhookUrl(payments), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Stripe's event for the payment's intent, with the metadata payments put on it (raw uuids, not the API's ids). */
export function intentEvent(
  payment: PaymentView,
  outcome: 'succeeded' | 'failed',
  withMetadata = true,
): StripeEventShape {
  const event = paymentIntentEvent(
    {
      paymentIntentId: payment.providerRef!,
      amount: payment.amount.amount,
      currency: payment.amount.currency,
      metadata: metadataOf(payment),
    },
    outcome,
  );
  if (!withMetadata) (event.data.object as { metadata: object }).metadata = {};
  return event;
}

/** The metadata payments put on a payment's Stripe objects: its own uuids (`payment` as the API answered it). */
export const metadataOf = (payment: PaymentView) => ({
  paymentId: uuidOf(payment.id),
  orderId: uuidOf(payment.order.id),
});

/** A `charge.dispute.*` event of the payment's charge (a new dispute id unless `facts` names one). */
export function disputeEvent(payment: PaymentView, facts: Partial<DisputeEventFacts> = {}): StripeEventShape {
  return stripeDisputeEvent({
    type: 'created',
    disputeId: `dp_${randomUUID().replace(/-/g, '')}`,
    paymentIntentId: payment.providerRef!,
    amount: payment.amount.amount,
    currency: payment.amount.currency,
    status: 'needs_response',
    ...facts,
  });
}

/** The payment's row; `paymentId` as the API answered it. */
export async function stored(payments: TestSubgraph, paymentId: string) {
  const [row] = await queryRows(
    payments.subgraph.deps.db,
    `SELECT status, disputed, failure_reason AS "failureReason", refund_reason AS "refundReason", refund_requested_at AS "refundRequestedAt", refunded_at AS "refundedAt" FROM payments WHERE id = $1`,
    [uuidOf(paymentId)],
  );
  return row;
}

/** The types of the events recorded for a payment (`paymentId` as the API answered it), in write order. */
export async function eventTypes(payments: TestSubgraph, paymentId: string): Promise<string[]> {
  return (await outboxOf(payments, uuidOf(paymentId))).map((envelope) => envelope.type);
}

export { globalId, outboxOf, sqlDuring, tokenFor, until, uuidOf } from '@marketplace/kit/testing';

/** Delivers order.created of `payload` to payments, as orders would record it; the order as the API names it. */
async function orderCreated(payments: TestSubgraph, payload: OrderCreated): Promise<PlacedOrder> {
  await deliver(
    payments,
    createEnvelope(Events.OrderCreated, payload, {
      source: 'test',
      correlationId: `test-${payload.orderId}`,
      aggregateId: payload.orderId,
    }),
  );
  return { ...payload, id: globalId('Order', payload.orderId) };
}
