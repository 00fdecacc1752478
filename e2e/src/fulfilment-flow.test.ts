import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { DemoIds, Envelope, EventDefinition, Events, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, globalId, subscribe, subscriptionClient, uuidOf } from '@marketplace/kit/testing';
import { paymentIntentEvent, signed } from '@marketplace/payments';
import type { Client } from 'graphql-ws';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { paymentIntentOnceKnown } from './testing/money';

/**
 * Issue 6's saga, through the gateway only: buy → PAID → licenses issued → FULFILLED pushed
 * with the keys → activate → verify offline with the public key → download the uploaded
 * bytes → admin refund → license revoked, download refused, vendor balance debited; then
 * replayed and reordered events change nothing.
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;

interface Pushed {
  orderUpdated: {
    status: string;
    licenses: { id: string; key: string | null; status: string; product: { id: string } }[];
  };
}

let supergraph: TestSupergraph;
const sockets: Client[] = [];
beforeAll(async () => {
  supergraph = await startTestSupergraph({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map(async (socket) => socket.dispose()));
  await supergraph?.close();
});

const gql = () => supergraph.client;
const gatewayUrl = (path: string) =>
  new URL(new URL(path, 'http://x').pathname + new URL(path, 'http://x').search, supergraph.gateway.url).href;
const as = (subgraph: string) => ({ subgraph: supergraph.subgraphs.get(subgraph)! }) as unknown as TestSubgraph;

async function signIn(email: string, password: string): Promise<string> {
  const { login } = await gql().data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

async function customer(): Promise<{ id: string; token: string }> {
  const { register } = await gql().data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
    {
      variables: {
        i: {
          email: `licensee.${randomUUID()}@example.com`,
          password: 'a long licensee passphrase',
          displayName: 'Licensee',
        },
      },
    },
  );
  return { id: register.user.id, token: register.accessToken };
}

async function vendorBalance(token: string): Promise<{ available: number; pending: number }> {
  const { me } = await gql().data(`{ me { vendor { balance { available { amount } pending { amount } } } } }`, {
    token,
  });
  return { available: me.vendor.balance.available.amount, pending: me.vendor.balance.pending.amount };
}

async function outboxOf(subgraph: string, type: string, orderId: string): Promise<Envelope[]> {
  const rows = await queryRows<{ envelope: Envelope }>(
    supergraph.subgraphs.get(subgraph)!.deps.db,
    `SELECT envelope FROM outbox WHERE type = $1 AND envelope->'payload'->>'orderId' = $2 ORDER BY position`,
    [type, uuidOf(orderId)],
  );
  return rows.map((row) => row.envelope);
}

it('buy → FULFILLED with keys → activate → verify offline → download → refund → revoked, refused, debited; replays change nothing', async () => {
  const ada = await signIn('ada@vendors.local', 'demo-password-123');
  const admin = await signIn('admin@marketplace.local', 'admin-password-123');

  // Ada ships a build of one of her published products.
  const { products } = await gql().data(
    `query($v: ID!) { products(filter: { vendorId: $v, minPrice: { amount: 100, currency: USD } }, first: 1) { edges { node { id name price { amount currency } } } } }`,
    {
      variables: { v: globalId('Vendor', DemoIds.vendors.ada) },
    },
  );
  const product = products.edges[0].node;
  const build = randomBytes(300 * 1024);
  const {
    createArtifactUpload: { upload },
  } = await gql().data(
    `mutation($p: ID!) { createArtifactUpload(input: { productId: $p, version: "9.0.0" }) { upload { uploadUrl } } }`,
    { variables: { p: product.id }, token: ada },
  );
  expect(
    (
      await fetch(gatewayUrl(upload.uploadUrl), {
        method: 'PUT',
        body: build,
        headers: { 'content-type': 'application/zip' },
      })
    ).status,
  ).toBe(200);
  const before = await vendorBalance(ada);

  // A customer buys it and follows the order.
  const buyer = await customer();
  await until(
    async () =>
      (
        await gql().request(`mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`, {
          variables: { p: product.id },
          token: buyer.token,
        })
      ).data?.addToCart ?? undefined,
    'the replica',
  );
  const {
    checkout: { order },
  } = await gql().data(
    `mutation { checkout(input: { idempotencyKey: "fulfilment-1", billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    {
      token: buyer.token,
    },
  );
  const socket = subscriptionClient(supergraph.gateway.url, buyer.token);
  sockets.push(socket);
  const live = subscribe<Pushed>(
    socket,
    `subscription($id: ID!) { orderUpdated(orderId: $id) { status licenses { id key status product { id } } } }`,
    { id: order.id },
  );
  expect((await live.push(1)).data?.orderUpdated).toEqual({ status: 'PENDING_PAYMENT', licenses: [] });
  const payment = await paymentIntentOnceKnown(supergraph, order.id, buyer.token);
  const succeeded = paymentIntentEvent(
    {
      paymentIntentId: payment.providerRef,
      amount: payment.amount.amount,
      currency: payment.amount.currency,
      // Stripe's metadata carries our raw uuids (payments put them there), not the API's global ids.
      metadata: { paymentId: uuidOf(payment.id), orderId: uuidOf(order.id) },
    },
    'succeeded',
  );
  const webhook = await signed(succeeded, WEBHOOK_SECRET);
  const postWebhook = () =>
    fetch(gatewayUrl('/webhooks/stripe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': webhook.signature },
      body: webhook.body,
    });
  expect((await postWebhook()).status).toBe(200);

  const fulfilled = (await live.pushWhere((data) => data.orderUpdated.status === 'FULFILLED')).data!.orderUpdated;
  expect(fulfilled.licenses).toHaveLength(1);
  const license = fulfilled.licenses[0];
  expect(license).toMatchObject({
    status: 'ACTIVE',
    product: { id: product.id },
    key: expect.stringMatching(/^MP1\./),
  });
  const key = license.key!;

  // Offline: the public key alone verifies the key (what a vendor pastes into a product).
  const publicKey = (await (await fetch(gatewayUrl('/licensing/public-key'))).json()) as { publicKeyPem: string };
  const [, payload, signature] = key.split('.');
  expect(
    verify(null, Buffer.from(payload), createPublicKey(publicKey.publicKeyPem), Buffer.from(signature, 'base64url')),
  ).toBe(true);
  expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
    // The key's claims are raw uuids (verified offline, outside the API).
    lid: uuidOf(license.id),
    pid: uuidOf(product.id),
    sub: uuidOf(buyer.id),
  });

  // Online: activate this machine, then validate.
  const validate = async (fingerprint: string) =>
    (
      await gql().data(
        `query($k: String!, $f: String!) { validateLicense(licenseKey: $k, fingerprint: $f) { valid code } }`,
        {
          variables: { k: key, f: fingerprint },
        },
      )
    ).validateLicense;
  expect(await validate('machine-1')).toEqual({ valid: false, code: 'NOT_ACTIVATED' });
  const { activateLicense } = await gql().data(
    `mutation($k: String!) { activateLicense(input: { licenseKey: $k, fingerprint: "machine-1", label: "Laptop" }) { license { id activations { fingerprint } } activation { fingerprint label } } }`,
    { variables: { k: key }, token: buyer.token },
  );
  expect(activateLicense).toEqual({
    license: { id: license.id, activations: [{ fingerprint: 'machine-1' }] },
    activation: { fingerprint: 'machine-1', label: 'Laptop' },
  });
  expect(await validate('machine-1')).toEqual({ valid: true, code: 'VALID' });

  // The exact uploaded bytes, through the gateway's REST edge.
  const {
    createDownloadLink: { downloadLink: createDownloadLink },
  } = await gql().data(
    `mutation($l: ID!) { createDownloadLink(input: { licenseId: $l }) { downloadLink { url sha256 size } } }`,
    { variables: { l: license.id }, token: buyer.token },
  );
  const sha256 = createHash('sha256').update(build).digest('hex');
  expect(createDownloadLink).toMatchObject({ sha256, size: build.length });
  const download = await fetch(gatewayUrl(createDownloadLink.url));
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(build)).toBe(true);
  expect(download.headers.get('x-checksum-sha256')).toBe(sha256);
  const slice = await fetch(gatewayUrl(createDownloadLink.url), { headers: { range: 'bytes=1000-1999' } });
  expect(slice.status).toBe(206);
  expect(Buffer.from(await slice.arrayBuffer()).equals(build.subarray(1000, 2000))).toBe(true);

  // The vendor earned the price minus commission, held as pending.
  const credited = await until(async () => {
    const now = await vendorBalance(ada);
    return now.pending > before.pending ? now : undefined;
  }, 'the vendor ledger credit');
  const { me } = await gql().data(`{ me { vendor { commissionRate } } }`, { token: ada });
  expect(credited.pending - before.pending).toBe(
    product.price.amount - Math.round(product.price.amount * me.vendor.commissionRate),
  );

  // Someone else: no key, no licenses of this order, no activation with the stolen key, no forged download.
  const other = await customer();
  const hidden = await gql().request(`query($o: ID!) { order(id: $o) { licenses { key } } }`, {
    variables: { o: order.id },
    token: other.token,
  });
  expect({ data: hidden.data, errors: hidden.errors }).toEqual({ data: { order: null }, errors: undefined });
  expect(
    await gql().errorCode(
      `mutation($k: String!) { activateLicense(input: { licenseKey: $k, fingerprint: "thief", label: "x" }) { license { id } } }`,
      { variables: { k: key }, token: other.token },
    ),
  ).toBe('FORBIDDEN');
  expect(
    await gql().errorCode(
      `mutation($l: ID!) { createDownloadLink(input: { licenseId: $l }) { downloadLink { url } } }`,
      {
        variables: { l: license.id },
        token: other.token,
      },
    ),
  ).toBe('NOT_FOUND');
  const token = createDownloadLink.url.split('/downloads/')[1];
  const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  expect((await fetch(gatewayUrl(`/downloads/${forged}`))).status).toBe(403);

  // The admin refunds: REFUNDED pushed, license revoked, download refused, vendor debited.
  const { refundOrder } = await gql().data(
    `mutation($o: ID!) { refundOrder(input: { orderId: $o, reason: "Customer asked within 14 days" }) { payment { id status } order { id } } }`,
    { variables: { o: order.id }, token: admin },
  );
  expect(refundOrder).toMatchObject({ payment: { id: payment.id }, order: { id: order.id } });
  // Orders and licensing hear payment.refunded independently; the revocation is pushed too, whichever comes first.
  await live.pushWhere(
    (data) => data.orderUpdated.status === 'REFUNDED' && data.orderUpdated.licenses[0].status === 'REVOKED',
  );
  expect(await validate('machine-1')).toEqual({ valid: false, code: 'REVOKED' });
  expect((await fetch(gatewayUrl(createDownloadLink.url))).status).toBe(403);
  await until(
    async () => ((await vendorBalance(ada)).pending === before.pending ? true : undefined),
    'the vendor ledger debit',
  );

  // Replays and reordering: the webhook again, order.paid again (same event and a fresh copy,
  // now after the refund), payment.refunded again: nothing changes anywhere.
  const snapshot = async () => ({
    order: (
      await gql().data(`query($o: ID!) { order(id: $o) { status statusHistory { to } licenses { id status } } }`, {
        variables: { o: order.id },
        token: buyer.token,
      })
    ).order,
    balance: await vendorBalance(ada),
  });
  const settled = await snapshot();
  expect((await postWebhook()).status).toBe(200);
  const [paid] = await outboxOf('orders', 'order.paid', order.id);
  const [refunded] = await outboxOf('payments', 'payment.refunded', order.id);
  for (const subgraph of ['licensing', 'vendor']) {
    await deliver(as(subgraph), paid);
    await deliver(as(subgraph), refunded);
  }
  for (const subgraph of ['licensing', 'vendor']) {
    await deliver(as(subgraph), freshCopy(paid, Events.OrderPaid));
    await deliver(as(subgraph), freshCopy(refunded, Events.PaymentRefunded));
  }
  const [paymentSucceeded] = await outboxOf('payments', 'payment.succeeded', order.id);
  await deliver(as('orders'), freshCopy(paymentSucceeded, Events.PaymentSucceeded)); // a late success after the refund
  expect(await snapshot()).toEqual(settled);
});

/** The same event as a new message (new id): only the effect's own idempotency can stop it. */
function freshCopy<T>(envelope: Envelope, definition: EventDefinition<T>): Envelope<T> {
  return createEnvelope(definition, envelope.payload as T, {
    source: 'replay',
    correlationId: 'replay',
    aggregateId: envelope.aggregateId ?? 'replay',
  });
}
