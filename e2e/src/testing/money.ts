import { randomUUID } from 'node:crypto';
import { DemoIds, queryRows } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { StripeEventShape, paymentIntentEvent, signed } from '@marketplace/payments';
import { TestSupergraph, until } from './supergraph';

/** A customer's order of one of Ada's products (demo data seeded), with its payment intent. */
export interface OrderWithIntent {
  token: string;
  order: { id: string; total: { amount: number; currency: string } };
  payment: { id: string; providerRef: string; amount: { amount: number; currency: string } };
}

/** A new customer, through the gateway: their access token. */
export async function newCustomer(supergraph: TestSupergraph): Promise<string> {
  const { register } = await supergraph.client.data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
    {
      variables: {
        i: { email: `buyer.${randomUUID()}@example.com`, password: 'a long buyer passphrase', displayName: 'Buyer' },
      },
    },
  );
  return register.accessToken;
}

/** A new customer's checkout of one of Ada's products and its payment intent, all through the gateway. */
export async function orderWithIntent(supergraph: TestSupergraph): Promise<OrderWithIntent> {
  const gql = supergraph.client;
  const { products } = await gql.data(
    `query($v: ID!) { products(filter: { vendorId: $v, minPrice: { amount: 100, currency: USD } }, first: 1) { edges { node { id } } } }`,
    { variables: { v: globalId('Vendor', DemoIds.vendors.ada) } },
  );
  const productId: string = products.edges[0].node.id;
  const token = await newCustomer(supergraph);
  await until(
    async () =>
      (
        await gql.request(`mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
          variables: { p: productId },
          token,
        })
      ).data?.addToCart ?? undefined,
    'the orders replica',
  );
  const {
    checkout: { order },
  } = await gql.data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id total { amount currency } } } }`,
    { variables: { k: randomUUID() }, token },
  );
  const payment = await paymentIntentOnceKnown(supergraph, order.id, token);
  return { token, order, payment };
}

/**
 * The order's payment, created as soon as the payments subgraph has consumed `order.created`.
 * Until then the mutation answers NOT_FOUND with `createPaymentIntent: null`, so only a payment ends the wait.
 */
export async function paymentIntentOnceKnown(
  supergraph: TestSupergraph,
  orderId: string,
  token: string,
): Promise<OrderWithIntent['payment']> {
  const intent = await until(async () => {
    const result = await supergraph.client.request(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id providerRef amount { amount currency } } } }`,
      { variables: { o: orderId }, token },
    );
    return result.data?.createPaymentIntent ?? undefined;
  }, 'payments to know the order');
  return intent.payment;
}

/** Stripe's `payment_intent.succeeded` for the order's intent, for `money` (its own amount unless given). */
export function succeeded({ order, payment }: OrderWithIntent, money = payment.amount): StripeEventShape {
  return paymentIntentEvent(
    {
      paymentIntentId: payment.providerRef,
      amount: money.amount,
      currency: money.currency,
      // Stripe's metadata carries our raw uuids (payments put them there), not the API's global ids.
      metadata: { paymentId: uuidOf(payment.id), orderId: uuidOf(order.id) },
    },
    'succeeded',
  );
}

/** Posts `event` to the gateway's webhook route, signed with `secret` as Stripe signs it. */
export async function postWebhook(
  supergraph: TestSupergraph,
  secret: string,
  event: StripeEventShape,
): Promise<{ status: number; body: unknown }> {
  const { body, signature } = await signed(event, secret);
  const response = await fetch(new URL('/webhooks/stripe', supergraph.gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** The order's status and licenses, as its customer sees them. */
export async function orderOf(supergraph: TestSupergraph, { token, order }: OrderWithIntent) {
  return (
    await supergraph.client.data(`query($o: ID!) { order(id: $o) { status licenses { id } } }`, {
      variables: { o: order.id },
      token,
    })
  ).order;
}

/** The vendor ledger's entries for an order (its API id). */
export function ledgerOf(supergraph: TestSupergraph, orderId: string) {
  return queryRows<{ kind: string; amount: number }>(
    supergraph.subgraphs.get('vendor')!.deps.db,
    `SELECT kind, amount::int AS amount FROM ledger_entries WHERE order_id = $1`,
    [uuidOf(orderId)],
  );
}
