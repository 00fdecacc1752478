import { randomUUID } from 'node:crypto';
import type { MailSink } from '@marketplace/kit';
import { startTestMailSink, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import type { Client } from 'graphql-ws';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { adaProducts, addToCart, register, signIn } from './testing/privacy';

/**
 * Issue 21's notifications, through the gateway only: a purchase produces the receipt, pushed
 * over graphql-ws as `notificationAdded` (the live form of `me { newestNotification }`),
 * listed in `me { notifications }`, and mailed through a real SMTP server with the keys
 * `me { licenses }` answers; the vendor hears of the sale, net after commission; marking
 * read; one-click unsubscribe through the REST edge; and who may see what.
 */
interface Added {
  notificationAdded: { id: string; kind: string; title: string; link: string | null; read: boolean };
}

const INBOX = `{ me { unreadNotificationCount notifications(first: 20) { totalCount edges { node { id kind title body link read } } } } }`;

let supergraph: TestSupergraph;
let mailbox: MailSink;
let products: string[];
const sockets: Client[] = [];
beforeAll(async () => {
  mailbox = await startTestMailSink();
  supergraph = await startTestSupergraph({
    SMTP_URL: mailbox.url,
    MAIL_POLL_MS: '200',
    PAYMENT_SIMULATION_ENABLED: 'true',
    REGISTRATIONS_PER_IP_PER_HOUR: '1000',
    ORDER_EXPIRY_CHECK_SECONDS: '3600',
  });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  products = await adaProducts(supergraph);
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map(async (socket) => socket.dispose()));
  await supergraph?.close();
  await mailbox?.close();
});

const gql = () => supergraph.client;
const socket = (token?: string) => {
  const client = subscriptionClient(supergraph.gateway.url, token);
  sockets.push(client);
  return client;
};

interface InboxView {
  me: {
    unreadNotificationCount: number;
    notifications: {
      totalCount: number;
      edges: { node: { id: string; kind: string; title: string; body: string; link: string | null; read: boolean } }[];
    };
  };
}

const inbox = async (token: string) => (await gql().data<InboxView>(INBOX, { token })).me;

/** cart → checkout → intent → simulated payment; answers the order's id once it is paid. */
async function purchase(token: string, productId: string): Promise<string> {
  await addToCart(supergraph, token, productId);
  const { checkout } = await gql().data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    { variables: { k: `notify-${randomUUID()}` }, token },
  );
  const orderId = checkout.order.id as string;
  await until(async () => {
    const result = await gql().request(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
      {
        variables: { o: orderId },
        token,
      },
    );
    return result.data?.createPaymentIntent ?? undefined;
  }, 'payments to know the order');
  await gql().data(
    `mutation($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
    {
      variables: { o: orderId },
      token,
    },
  );
  return orderId;
}

it('a purchase pushes the receipt over graphql-ws and lists it; the vendor hears of the sale; marking read', async () => {
  const buyer = await register(supergraph, 'Nora');
  // The welcome comes first (user.registered): wait for it, so the stream starts after it.
  await until(async () => ((await inbox(buyer.token)).notifications.totalCount > 0 ? true : undefined), 'the welcome');
  const stream = subscribe<Added>(
    socket(buyer.token),
    'subscription { notificationAdded { id kind title link read } }',
  );
  const ada = await signIn(supergraph, 'ada@vendors.local', 'demo-password-123');
  const adaBefore = (await inbox(ada)).notifications.totalCount;

  const orderId = await purchase(buyer.token, products[0]);
  const receipt = await stream.pushWhere((data) => data.notificationAdded?.kind === 'ORDER_RECEIPT');
  expect(receipt.data!.notificationAdded).toMatchObject({
    kind: 'ORDER_RECEIPT',
    read: false,
    link: expect.stringContaining(`/orders/${orderId}`),
  });
  // The license comes right after the receipt: each is pushed (notices name their notification), nothing at subscribe time.
  await stream.pushWhere((data) => data.notificationAdded?.kind === 'LICENSE_ISSUED');
  expect(stream.pushes.map((push) => push.data?.notificationAdded.kind).sort()).toEqual([
    'LICENSE_ISSUED',
    'ORDER_RECEIPT',
  ]);

  // The receipt mail: the key of each line is the one `me { licenses }` answers.
  const mail = await mailbox.waitFor(
    (received) => received.to.includes(buyer.email) && received.subject.startsWith('Your receipt for order'),
    30_000,
  );
  const { me } = await gql().data<{ me: { licenses: { edges: { node: { key: string } }[] } } }>(
    `{ me { licenses(first: 10) { edges { node { key } } } } }`,
    { token: buyer.token },
  );
  expect(me.licenses.edges).toHaveLength(1);
  const [{ key }] = me.licenses.edges.map((edge) => edge.node);
  expect(key.length).toBeGreaterThan(20);
  expect(mail.text).toContain(key);
  expect(mail.html).toContain(key);
  expect(mail.text).toContain(`/orders/${orderId}`);
  expect(mail.headers['list-unsubscribe']).toBeUndefined();

  const after = await until(async () => {
    const me = await inbox(buyer.token);
    return me.notifications.edges.some((edge) => edge.node.kind === 'LICENSE_ISSUED') ? me : undefined;
  }, 'the license notification');
  expect(after.notifications.edges.map((edge) => edge.node.kind).sort()).toEqual(
    ['LICENSE_ISSUED', 'ORDER_RECEIPT', 'WELCOME'].sort(),
  );
  expect(after.unreadNotificationCount).toBe(3);

  const sale = await until(async () => {
    const me = await inbox(ada);
    return me.notifications.totalCount > adaBefore
      ? me.notifications.edges.find((edge) => edge.node.kind === 'NEW_SALE')?.node
      : undefined;
  }, "Ada's sale notification");
  expect(sale?.title).toMatch(/^New sale: \d+\.\d{2} USD$/);
  const saleMail = await mailbox.waitFor(
    (received) => received.to.includes('ada@vendors.local') && received.subject.startsWith('You sold'),
    30_000,
  );
  expect(saleMail.text).toMatch(/Your earnings: +\d+\.\d{2} USD/);
  expect(saleMail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

  const marked = await gql().data(
    `mutation { markNotificationsRead(input: { all: true }) { unreadNotificationCount user { id unreadNotificationCount } } }`,
    { token: buyer.token },
  );
  expect(marked.markNotificationsRead).toEqual({
    unreadNotificationCount: 0,
    user: { id: buyer.id, unreadNotificationCount: 0 },
  });
  stream.unsubscribe();
}, 60_000);

it("answers node(id) to the owner only, refuses another user's inbox, and a signed-out subscriber", async () => {
  const owner = await register(supergraph, 'Olga');
  const other = await register(supergraph, 'Otto');
  const [welcome] = await until(async () => {
    const edges = (await inbox(owner.token)).notifications.edges;
    return edges.length > 0 ? edges : undefined;
  }, 'the welcome');
  const NODE = `query($id: ID!) { node(id: $id) { id ... on Notification { kind } } }`;
  expect((await gql().data(NODE, { variables: { id: welcome.node.id }, token: owner.token })).node).toEqual({
    id: welcome.node.id,
    kind: 'WELCOME',
  });
  for (const token of [other.token, undefined]) {
    const result = await gql().request(NODE, { variables: { id: welcome.node.id }, token });
    expect({ data: result.data, errors: result.errors }).toEqual({ data: { node: null }, errors: undefined });
  }
  const USER = `query($id: ID!) { user(id: $id) { id notifications(first: 1) { totalCount } } }`;
  const admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
  const asAdmin = await gql().request(USER, { variables: { id: owner.id }, token: admin });
  expect(asAdmin.data?.user).toEqual({ id: owner.id, notifications: null });
  expect(asAdmin.errors?.[0].extensions?.code).toBe('FORBIDDEN');

  const anonymous = subscribe(socket(), 'subscription { notificationAdded { id } }');
  const ended = await anonymous.ended;
  const codes = [...ended, ...anonymous.pushes.flatMap((push) => push.errors ?? [])].map(
    (error) => error.extensions?.code,
  );
  expect(codes).toEqual(['UNAUTHENTICATED']);
});

it("a product submitted for review tells the admins; the admin's rejection tells the vendor, with the reason", async () => {
  const admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
  const ada = await signIn(supergraph, 'ada@vendors.local', 'demo-password-123');
  const { categories } = await gql().data(`{ categories { id children { id } } }`);
  const name = `Reviewed Tool ${randomUUID().slice(0, 6)}`;
  const { createProduct } = await gql().data(
    `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`,
    {
      variables: {
        i: {
          name,
          description: 'Waits for an admin.',
          kind: 'TOOL',
          price: { amount: 900, currency: 'USD' },
          categoryId: categories[0].children[0].id,
        },
      },
      token: ada,
    },
  );
  const productId = createProduct.product.id as string;
  await gql().data(`mutation($id: ID!) { submitProductForReview(input: { productId: $id }) { product { id } } }`, {
    variables: { id: productId },
    token: ada,
  });
  const submitted = await until(async () => {
    const edges = (await inbox(admin)).notifications.edges;
    return edges.find((edge) => edge.node.kind === 'PRODUCT_SUBMITTED' && edge.node.title.startsWith(name))?.node;
  }, 'the admin to hear of the submission');
  expect(submitted.link).toMatch(/\/admin\/moderation$/);
  await gql().data(
    `mutation($id: ID!) { rejectProduct(input: { productId: $id, reason: "Add screenshots." }) { product { status } } }`,
    { variables: { id: productId }, token: admin },
  );
  const rejected = await until(async () => {
    const edges = (await inbox(ada)).notifications.edges;
    return edges.find((edge) => edge.node.kind === 'PRODUCT_REJECTED' && edge.node.title.startsWith(name))?.node;
  }, 'the vendor to hear of the rejection');
  expect(rejected.body).toContain('Add screenshots.');
  expect(rejected.link).toContain(`/vendor/products/${productId}`);
}, 60_000);

it('the welcome mail unsubscribes in one click through the gateway (RFC 8058); receipts keep coming', async () => {
  const user = await register(supergraph, 'Uma');
  const welcome = await mailbox.waitFor(
    (received) => received.to.includes(user.email) && received.subject.startsWith('Welcome to'),
    30_000,
  );
  const link = new URL(welcome.headers['list-unsubscribe'].slice(1, -1));
  expect(welcome.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  const viaGateway = new URL(link.pathname, supergraph.gateway.url).href;
  const done = await fetch(viaGateway, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(done.status).toBe(200);
  const { me } = await gql().data<{ me: { notificationPreferences: { category: string; email: boolean }[] } }>(
    `{ me { notificationPreferences { category email } } }`,
    { token: user.token },
  );
  expect(me.notificationPreferences.find((p) => p.category === 'ACCOUNT')?.email).toBe(false);
  expect(me.notificationPreferences.find((p) => p.category === 'RECEIPTS')?.email).toBe(true);
  const refused = await fetch(`${viaGateway}x`, { method: 'POST' });
  expect(refused.status).toBe(400);
});

it("a wishlisted product's price drop reaches the wishlister in the app and by mail (issue 22)", async () => {
  const shopper = await register(supergraph, 'Wanda');
  const ada = await signIn(supergraph, 'ada@vendors.local', 'demo-password-123');
  const productId = products[products.length - 1];
  const added = await gql().data<{ addToWishlist: { product: { inMyWishlist: boolean; price: { amount: number } } } }>(
    `mutation($p: ID!) { addToWishlist(input: { productId: $p }) { product { inMyWishlist price { amount } } } }`,
    { variables: { p: productId }, token: shopper.token },
  );
  expect(added.addToWishlist.product.inMyWishlist).toBe(true);
  const before = added.addToWishlist.product.price.amount;
  const lower = Math.max(1, before - 100);
  await gql().data(
    `mutation($p: ID!, $a: SafeInt!) { updateProduct(input: { productId: $p, price: { amount: $a, currency: USD } }) { product { id } } }`,
    { variables: { p: productId, a: lower }, token: ada },
  );
  const drop = await until(async () => {
    const me = await inbox(shopper.token);
    return me.notifications.edges.find((edge) => edge.node.kind === 'PRICE_DROP')?.node;
  }, 'the price-drop notification');
  expect(drop.title).toMatch(/ is now \d+\.\d{2} USD$/);
  const mail = await mailbox.waitFor(
    (received) => received.to.includes(shopper.email) && / is now \d+\.\d{2} USD$/.test(received.subject),
    30_000,
  );
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
});
