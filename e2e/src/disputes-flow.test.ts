import { randomUUID } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { DisputeEventFacts, StripeEventShape, disputeEvent, paymentIntentEvent, signed } from '@marketplace/payments';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { paymentIntentOnceKnown } from './testing/money';

/**
 * Issue 20's disputes, through the gateway only: purchase → charge.dispute.created → licenses
 * suspended, refund refused, the vendor sees it → closed lost → ledger debited, licenses
 * revoked; and closed won → licenses usable again, nothing debited.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

let supergraph: TestSupergraph;
let ada: string;
let admin: string;
let product: { id: string; price: { amount: number; currency: string } };
beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  ada = await signIn('ada@vendors.local', 'demo-password-123');
  admin = await signIn('admin@marketplace.local', 'admin-password-123');
  const { products } = await gql().data(
    `query($v: ID!) { products(filter: { vendorId: $v, minPrice: { amount: 100, currency: USD } }, first: 1) { edges { node { id price { amount currency } } } } }`,
    { variables: { v: globalId('Vendor', DemoIds.vendors.ada) } },
  );
  product = products.edges[0].node;
}, 60_000);
afterAll(async () => {
  await supergraph?.close();
});

const gql = () => supergraph.client;

async function signIn(email: string, password: string): Promise<string> {
  const { login } = await gql().data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

async function post(event: StripeEventShape): Promise<number> {
  const { body, signature } = await signed(event, WEBHOOK_SECRET);
  const response = await fetch(new URL('/webhooks/stripe', supergraph.gateway.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  return response.status;
}

async function pendingBalance(): Promise<number> {
  const { me } = await gql().data(`{ me { vendor { balance { pending { amount } } } } }`, { token: ada });
  return me.vendor.balance.pending.amount;
}

interface Purchase {
  buyer: string;
  orderId: string;
  payment: { id: string; providerRef: string; amount: { amount: number; currency: string } };
  license: { id: string; key: string };
  creditedPending: number;
}

/** A new customer buys Ada's product and pays; returns once the license is ACTIVE and Ada credited. */
async function purchase(): Promise<Purchase> {
  const before = await pendingBalance();
  const { register } = await gql().data(`mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`, {
    variables: {
      i: {
        email: `disputer.${randomUUID()}@example.com`,
        password: 'a long disputer passphrase',
        displayName: 'Disputer',
      },
    },
  });
  const buyer = register.accessToken as string;
  await until(
    async () =>
      (
        await gql().request(`mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
          variables: { p: product.id },
          token: buyer,
        })
      ).data?.addToCart ?? undefined,
    'the replica',
  );
  const { checkout } = await gql().data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    { variables: { k: randomUUID() }, token: buyer },
  );
  const orderId = checkout.order.id as string;
  const payment = await paymentIntentOnceKnown(supergraph, orderId, buyer);
  const succeeded = paymentIntentEvent(
    {
      paymentIntentId: payment.providerRef,
      amount: payment.amount.amount,
      currency: payment.amount.currency,
      metadata: { paymentId: uuidOf(payment.id), orderId: uuidOf(orderId) },
    },
    'succeeded',
  );
  expect(await post(succeeded)).toBe(200);
  const license = await licenseWhen(buyer, orderId, 'ACTIVE');
  expect(
    (
      await gql().request(
        `mutation($k: String!) { activateLicense(input: { licenseKey: $k, fingerprint: "machine-1" }) { activation { fingerprint } } }`,
        { variables: { k: license.key }, token: buyer },
      )
    ).errors,
  ).toBeUndefined();
  const creditedPending = await until(async () => {
    const now = await pendingBalance();
    return now > before ? now : undefined;
  }, 'the vendor ledger credit');
  return { buyer, orderId, payment, license, creditedPending };
}

async function licenseWhen(buyer: string, orderId: string, status: string): Promise<{ id: string; key: string }> {
  return until(async () => {
    const { order } = await gql().data(`query($o: ID!) { order(id: $o) { licenses { id key status } } }`, {
      variables: { o: orderId },
      token: buyer,
    });
    const license = order?.licenses?.[0];
    return license?.status === status ? license : undefined;
  }, `the license to be ${status}`);
}

const dispute = (bought: Purchase, facts: Partial<DisputeEventFacts>) =>
  disputeEvent({
    type: 'created',
    disputeId: `dp_${uuidOf(bought.payment.id).replace(/-/g, '')}`,
    paymentIntentId: bought.payment.providerRef,
    amount: bought.payment.amount.amount,
    currency: bought.payment.amount.currency,
    status: 'needs_response',
    reason: 'fraudulent',
    ...facts,
  });

const validate = async (key: string) =>
  (
    await gql().data(
      `query($k: String!) { validateLicense(licenseKey: $k, fingerprint: "machine-1") { valid code } }`,
      {
        variables: { k: key },
      },
    )
  ).validateLicense;

async function adasDispute(orderId: string, status: string) {
  return until(async () => {
    const { me } = await gql().data(
      `{ me { vendor { disputes(first: 20) { edges { node { status amount { amount currency } evidenceDueBy order { id } products { id } } } } } } }`,
      { token: ada },
    );
    const found = me.vendor.disputes.edges.map((e: { node: { order: { id: string } } }) => e.node);
    const mine = found.find((node: { order: { id: string }; status: string }) => node.order.id === orderId);
    return mine?.status === status ? mine : undefined;
  }, `Ada to see the dispute ${status}`);
}

/** Purchase, then charge.dispute.created: suspended everywhere, the refund refused, the admin and Ada see it. */
async function disputed(): Promise<Purchase> {
  const bought = await purchase();
  const t = Math.floor(Date.now() / 1000);
  expect(await post(dispute(bought, { created: t - 5 }))).toBe(200);
  await licenseWhen(bought.buyer, bought.orderId, 'SUSPENDED');
  expect(await validate(bought.license.key)).toEqual({ valid: false, code: 'SUSPENDED' });
  const activation = await gql().request(
    `mutation($k: String!) { activateLicense(input: { licenseKey: $k, fingerprint: "machine-2" }) { activation { fingerprint } } }`,
    { variables: { k: bought.license.key }, token: bought.buyer },
  );
  expect(activation.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'LICENSE_DISPUTED' });
  const refund = await gql().request(
    `mutation($o: ID!) { refundOrder(input: { orderId: $o, reason: "Asked" }) { payment { id } } }`,
    { variables: { o: bought.orderId }, token: admin },
  );
  expect(refund.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'PAYMENT_DISPUTED' });
  const { payments } = await gql().data(
    `{ payments(filter: { disputed: true }, first: 100) { totalCount edges { node { id order { id } dispute { status reason amount { amount currency } evidenceDueBy closedAt } } } } }`,
    { token: admin },
  );
  const listed = payments.edges.find((e: { node: { id: string } }) => e.node.id === bought.payment.id)?.node;
  expect(listed).toMatchObject({
    order: { id: bought.orderId },
    dispute: { status: 'NEEDS_RESPONSE', reason: 'fraudulent', amount: bought.payment.amount, closedAt: null },
  });
  expect(await adasDispute(bought.orderId, 'NEEDS_RESPONSE')).toMatchObject({
    amount: product.price,
    products: [{ id: product.id }],
    evidenceDueBy: expect.any(String),
  });
  return bought;
}

it('purchase → dispute created → licenses suspended → closed lost → ledger debited, licenses revoked', async () => {
  const bought = await disputed();
  expect(await post(dispute(bought, { type: 'closed', status: 'lost' }))).toBe(200);
  await licenseWhen(bought.buyer, bought.orderId, 'REVOKED');
  expect(await validate(bought.license.key)).toEqual({ valid: false, code: 'REVOKED' });
  await adasDispute(bought.orderId, 'LOST');
  // The sale's net went back out of Ada's pending money (still inside the hold).
  const debited = await until(async () => {
    const now = await pendingBalance();
    return now < bought.creditedPending ? now : undefined;
  }, 'the ledger debit');
  const { me } = await gql().data(`{ me { vendor { commissionRate } } }`, { token: ada });
  expect(bought.creditedPending - debited).toBe(
    product.price.amount - Math.round(product.price.amount * me.vendor.commissionRate),
  );
  // A late .updated cannot reopen it.
  expect(await post(dispute(bought, { type: 'updated', status: 'under_review' }))).toBe(200);
  const { node } = await gql().data(
    `query($id: ID!) { node(id: $id) { ... on Payment { dispute { status closedAt } } } }`,
    {
      variables: { id: bought.payment.id },
      token: admin,
    },
  );
  expect(node.dispute).toEqual({ status: 'LOST', closedAt: expect.any(String) });
}, 90_000);

it('purchase → dispute created → closed won → licenses usable again, nothing debited', async () => {
  const bought = await disputed();
  const pending = await pendingBalance();
  expect(await post(dispute(bought, { type: 'closed', status: 'won' }))).toBe(200);
  await licenseWhen(bought.buyer, bought.orderId, 'ACTIVE');
  expect(await validate(bought.license.key)).toEqual({ valid: true, code: 'VALID' });
  await adasDispute(bought.orderId, 'WON');
  expect(await pendingBalance()).toBe(pending);
}, 90_000);
