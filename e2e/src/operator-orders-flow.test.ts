import { randomUUID } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { paymentIntentEvent, signed } from '@marketplace/payments';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { paymentIntentOnceKnown } from './testing/money';

/**
 * Issue 20, the operator console's orders, through the gateway only: a purchase whose
 * timeline reads creation → payment attempt → webhook → paid → license issued → fulfilled,
 * then an admin's refund with the admin as its actor; the admin finds the order by the
 * customer's email, by vendor and by status, and nobody else may search.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
const gatewayUrl = (path: string) => new URL(path, supergraph.gateway.url).href;

async function signIn(email: string, password: string): Promise<string> {
  const { login } = await gql().data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

const TIMELINE = `query($o: ID!) { order(id: $o) { status timeline { at kind status summary actor { kind user { id } } } } }`;
interface Entry {
  at: string;
  kind: string;
  status: string | null;
  summary: string;
  actor: { kind: string; user: { id: string } | null };
}
const timelineOf = async (orderId: string, token: string) =>
  (await gql().data<{ order: { status: string; timeline: Entry[] } }>(TIMELINE, { variables: { o: orderId }, token }))
    .order;
const steps = (entries: Entry[]) => entries.map((e) => `${e.kind}${e.status ? `:${e.status}` : ''} by ${e.actor.kind}`);

const SEARCH = `query($f: OrderFilter) { orders(filter: $f, first: 10) { totalCount edges { node { id number } } } }`;

it('a purchase and an admin refund, told by the timeline; found by email, vendor and status', async () => {
  const admin = await signIn('admin@marketplace.local', 'admin-password-123');
  const adminId = globalId('User', DemoIds.users.admin);
  const email = `Timeline.${randomUUID().slice(0, 8)}@Example.com`;
  const { register } = await gql().data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
    { variables: { i: { email, password: 'a long buyer passphrase', displayName: 'Buyer' } } },
  );
  const buyer = { id: register.user.id as string, token: register.accessToken as string };
  const { products } = await gql().data(
    `query($v: ID!) { products(filter: { vendorId: $v, minPrice: { amount: 100, currency: USD } }, first: 1) { edges { node { id } } } }`,
    { variables: { v: globalId('Vendor', DemoIds.vendors.ada) } },
  );
  const productId = products.edges[0].node.id as string;
  await until(
    async () =>
      (
        await gql().request(`mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
          variables: { p: productId },
          token: buyer.token,
        })
      ).data?.addToCart ?? undefined,
    'the product replica',
  );
  const { checkout } = await gql().data(
    `mutation { checkout(input: { idempotencyKey: "operator-orders-1", billing: { name: "Test Buyer", country: "US" } }) { order { id number } } }`,
    { token: buyer.token },
  );
  const order = checkout.order as { id: string; number: string };
  const payment = await paymentIntentOnceKnown(supergraph, order.id, buyer.token);
  const webhook = await signed(
    paymentIntentEvent(
      {
        paymentIntentId: payment.providerRef,
        amount: payment.amount.amount,
        currency: payment.amount.currency,
        metadata: { paymentId: uuidOf(payment.id), orderId: uuidOf(order.id) },
      },
      'succeeded',
    ),
    WEBHOOK_SECRET,
  );
  const posted = await fetch(gatewayUrl('/webhooks/stripe'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': webhook.signature },
    body: webhook.body,
  });
  expect(posted.status).toBe(200);
  const fulfilled = await until(async () => {
    const seen = await timelineOf(order.id, buyer.token);
    return seen.status === 'FULFILLED' && seen.timeline.some((e) => e.kind === 'LICENSE_ISSUED') ? seen : undefined;
  }, 'the order to be fulfilled');
  expect(steps(fulfilled.timeline)).toEqual([
    'STATUS_CHANGED:PENDING_PAYMENT by CUSTOMER',
    'PAYMENT_ATTEMPT_STARTED by CUSTOMER',
    'WEBHOOK_RECEIVED by PAYMENT_PROVIDER',
    'STATUS_CHANGED:PAID by PAYMENT_PROVIDER',
    'LICENSE_ISSUED by SYSTEM',
    'STATUS_CHANGED:FULFILLED by SYSTEM',
  ]);
  expect(fulfilled.timeline[0].actor.user).toEqual({ id: buyer.id });
  expect(fulfilled.timeline[2].summary).toMatch(/payment_intent\.succeeded/);

  // The admin finds it by the customer's email (any case), by vendor with status, and by number.
  const found = async (filter: Record<string, unknown>) =>
    (await gql().data(SEARCH, { variables: { f: filter }, token: admin })).orders;
  await until(
    async () => ((await found({ search: email.toUpperCase() })).totalCount === 1 ? true : undefined),
    'the email replica',
  );
  expect((await found({ search: email })).edges).toEqual([{ node: order }]);
  expect((await found({ search: order.number })).edges).toEqual([{ node: order }]);
  const byVendor = await found({ vendorId: globalId('Vendor', DemoIds.vendors.ada), status: 'FULFILLED' });
  expect(byVendor.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(order.id);

  // The admin refunds it: the request and the REFUNDED step are the admin's.
  await gql().data(
    `mutation($o: ID!) { refundOrder(input: { orderId: $o, reason: "Bought twice by mistake" }) { payment { status } } }`,
    { variables: { o: order.id }, token: admin },
  );
  const refunded = await until(async () => {
    const seen = await timelineOf(order.id, admin);
    return seen.timeline.some((e) => e.kind === 'LICENSE_REVOKED') && seen.status === 'REFUNDED' ? seen : undefined;
  }, 'the refund and the revocation');
  expect(steps(refunded.timeline).slice(6, 8)).toEqual([
    'REFUND_REQUESTED by ADMIN',
    'WEBHOOK_RECEIVED by PAYMENT_PROVIDER',
  ]);
  // Orders and licensing hear payment.refunded independently: either may record its step first.
  expect(steps(refunded.timeline).slice(8).sort()).toEqual([
    'LICENSE_REVOKED by SYSTEM',
    'STATUS_CHANGED:REFUNDED by ADMIN',
  ]);
  const refund = refunded.timeline[6];
  expect([refund.summary, refund.actor.user]).toEqual(['Refund requested: Bought twice by mistake', { id: adminId }]);
  expect(refunded.timeline.find((e) => e.status === 'REFUNDED')!.actor.user).toEqual({ id: adminId });
  const ats = refunded.timeline.map((e) => Date.parse(e.at));
  expect([...ats].sort((a, b) => a - b)).toEqual(ats);
  // The customer sees that an admin refunded, not which one.
  const own = await timelineOf(order.id, buyer.token);
  expect(own.timeline[6].actor).toEqual({ kind: 'ADMIN', user: null });

  // Nobody else searches or reads the timeline.
  for (const token of [undefined, buyer.token]) {
    const refused = await gql().request(SEARCH, { variables: { f: {} }, token });
    expect([refused.data?.orders, refused.errors?.[0].extensions?.code]).toEqual([
      null,
      token ? 'FORBIDDEN' : 'UNAUTHENTICATED',
    ]);
  }
  const stranger = await gql().request(TIMELINE, {
    variables: { o: order.id },
    token: await signIn('ada@vendors.local', 'demo-password-123'),
  });
  expect(stranger.data?.order).toBeNull();
});
