import { randomUUID } from 'node:crypto';
import { DemoIds, Envelope, queryRows } from '@marketplace/kit';
import { globalId, uuidOf } from '@marketplace/kit/testing';
import { TestSupergraph, until } from './supergraph';

/** A customer who bought one of Ada's products, activated its license and reviewed it. */
export interface Buyer {
  id: string;
  email: string;
  password: string;
  token: string;
  productId: string;
  orderId: string;
  licenseId: string;
  licenseKey: string;
  fingerprint: string;
  reviewBody: string;
}

/** Rows of a subgraph's own tables (tests check what erasure left there). */
export function rowsIn<T = Record<string, unknown>>(
  supergraph: TestSupergraph,
  subgraph: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return queryRows<T>(supergraph.subgraphs.get(subgraph)!.deps.db, sql, parameters);
}

export async function signIn(supergraph: TestSupergraph, email: string, password: string): Promise<string> {
  const { login } = await supergraph.client.data(
    `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
    { variables: { e: email, p: password } },
  );
  return login.accessToken;
}

export async function register(supergraph: TestSupergraph, name: string) {
  const email = `${name.toLowerCase()}.${randomUUID()}@example.com`;
  const password = `a long passphrase of ${name}`;
  const { register } = await supergraph.client.data(
    `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }`,
    { variables: { i: { email, password, displayName: name } } },
  );
  return { id: register.user.id as string, token: register.accessToken as string, email, password };
}

/** Ada's published products with a price (global ids). */
export async function adaProducts(supergraph: TestSupergraph): Promise<string[]> {
  const { products } = await supergraph.client.data(
    `query($v: ID!) { products(filter: { vendorId: $v, minPrice: { amount: 100, currency: USD } }, first: 10) { edges { node { id } } } }`,
    { variables: { v: globalId('Vendor', DemoIds.vendors.ada) } },
  );
  return products.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

/** Adds the product to the customer's cart once orders' replica knows it. */
export async function addToCart(supergraph: TestSupergraph, token: string, productId: string): Promise<void> {
  await until(
    async () =>
      (
        await supergraph.client.request(
          `mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }`,
          {
            variables: { p: productId },
            token,
          },
        )
      ).data?.addToCart ?? undefined,
    'the product replica',
  );
}

/** Checks the cart out and pays the order (as soon as payments knows it) with a simulated success; its id. */
export async function checkoutAndPay(supergraph: TestSupergraph, token: string): Promise<string> {
  const gql = supergraph.client;
  const { checkout } = await gql.data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }`,
    { variables: { k: `paid-${randomUUID()}` }, token },
  );
  const orderId = checkout.order.id as string;
  await until(async () => {
    const result = await gql.request(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
      { variables: { o: orderId }, token },
    );
    return result.data?.createPaymentIntent ?? undefined;
  }, 'payments to know the order');
  await gql.data(
    `mutation($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
    { variables: { o: orderId }, token },
  );
  return orderId;
}

/** The real purchase path: cart → checkout → intent → simulated payment → FULFILLED; then activate and review. */
export async function buyer(supergraph: TestSupergraph, name: string, productId: string): Promise<Buyer> {
  const gql = supergraph.client;
  const account = await register(supergraph, name);
  const { token } = account;
  await addToCart(supergraph, token, productId);
  const orderId = await checkoutAndPay(supergraph, token);
  const license = await until(async () => {
    const { order } = await gql.data(`query($o: ID!) { order(id: $o) { status licenses { id key } } }`, {
      variables: { o: orderId },
      token,
    });
    return order.status === 'FULFILLED' ? (order.licenses[0] as { id: string; key: string }) : undefined;
  }, 'the order to be fulfilled');
  const fingerprint = `machine-of-${name}-${randomUUID()}`;
  await gql.data(
    `mutation($k: String!, $f: String!) { activateLicense(input: { licenseKey: $k, fingerprint: $f, label: "Home laptop" }) { activation { fingerprint } } }`,
    { variables: { k: license.key, f: fingerprint }, token },
  );
  const reviewBody = `${name} says: it saved my team hours.`;
  await until(async () => {
    const result = await gql.request(
      `mutation($p: ID!, $b: String) { addReview(input: { productId: $p, rating: 4, body: $b }) { review { id } } }`,
      { variables: { p: productId, b: reviewBody }, token },
    );
    return result.data?.addReview ?? undefined;
  }, 'catalog to know the license');
  return { ...account, productId, orderId, licenseId: license.id, licenseKey: license.key, fingerprint, reviewBody };
}

/** Waits until no table of any subgraph refers to the user's old id any more. */
export async function untilErasedEverywhere(supergraph: TestSupergraph, userGlobalId: string): Promise<void> {
  const id = uuidOf(userGlobalId);
  const probes: [string, string][] = [
    ['orders', 'SELECT count(*)::int AS n FROM orders WHERE user_id = $1'],
    ['orders', 'SELECT count(*)::int AS n FROM carts WHERE user_id = $1'],
    ['payments', 'SELECT count(*)::int AS n FROM orders WHERE user_id = $1'],
    ['licensing', 'SELECT count(*)::int AS n FROM licenses WHERE owner_id = $1'],
    ['catalog', 'SELECT count(*)::int AS n FROM reviews WHERE author_id = $1'],
    ['catalog', 'SELECT count(*)::int AS n FROM licenses WHERE owner_id = $1'],
    ['vendor', 'SELECT count(*)::int AS n FROM vendors WHERE user_id = $1'],
    ['notifications', 'SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1'],
    ['notifications', 'SELECT count(*)::int AS n FROM recipients WHERE user_id = $1'],
    ['notifications', 'SELECT count(*)::int AS n FROM order_recipients WHERE user_id = $1'],
    ['billing', 'SELECT count(*)::int AS n FROM invoices WHERE buyer_user_id = $1'],
    ['billing', 'SELECT count(*)::int AS n FROM vendors WHERE user_id = $1'],
  ];
  for (const subgraph of ['orders', 'payments', 'licensing', 'catalog', 'vendor', 'notifications', 'billing'])
    await until(
      async () =>
        (await rowsIn(supergraph, subgraph, 'SELECT 1 FROM erased_users WHERE user_id = $1', [id])).length
          ? true
          : undefined,
      `${subgraph} to erase the user`,
    );
  for (const [subgraph, sql] of probes) {
    const [{ n }] = await rowsIn<{ n: number }>(supergraph, subgraph, sql, [id]);
    expect(`${subgraph}: ${sql} → ${n}`).toBe(`${subgraph}: ${sql} → 0`);
  }
}

type Answer = { errors?: readonly { extensions?: Record<string, unknown> }[] };
export const codeOf = (result: Answer) => (result.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
export const reasonOf = (result: Answer) => result.errors?.[0]?.extensions?.reason;

export const EXPORT = `mutation { exportMyData { dataExport { id status requestedAt readyAt expiresAt downloadUrl } } }`;
export const DATA_EXPORT = `query($id: ID!) { dataExport(id: $id) { id status readyAt expiresAt downloadUrl } }`;
export const DELETE = `mutation($p: String!) { deleteMyAccount(input: { password: $p }) { user { id displayName email erasedAt } } }`;
export const ERASE = `mutation($u: ID!) { eraseUser(input: { userId: $u }) { user { id displayName email erasedAt } } }`;

/** GET of a download link's path on the test gateway (links name the configured PUBLIC_URL). */
export const downloadThroughGateway = (supergraph: TestSupergraph, url: string, token?: string) =>
  fetch(new URL(new URL(url).pathname, supergraph.gateway.url), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

export function exportWhenReady(supergraph: TestSupergraph, token: string, id: string) {
  return until(async () => {
    const { dataExport } = await supergraph.client.data(DATA_EXPORT, { variables: { id }, token });
    return dataExport.status === 'READY' ? dataExport : undefined;
  }, 'the export to be assembled');
}

export async function outboxOfType(supergraph: TestSupergraph, subgraph: string, type: string): Promise<Envelope[]> {
  const rows = await rowsIn<{ envelope: Envelope }>(
    supergraph,
    subgraph,
    `SELECT envelope FROM outbox WHERE type = $1 ORDER BY position`,
    [type],
  );
  return rows.map((row) => row.envelope);
}

/**
 * A fresh vendor (never a demo account: their session versions are shared by every test file, and an
 * erasure raises them) with one published product; answers the user and the product's global ids.
 */
export async function freshVendor(supergraph: TestSupergraph, admin: string) {
  const gql = supergraph.client;
  const account = await register(supergraph, 'Vera');
  const { applyAsVendor } = await gql.data(
    `mutation($n: String!) { applyAsVendor(input: { displayName: $n }) { vendor { id } } }`,
    { variables: { n: `Vera's agents ${randomUUID().slice(0, 8)}` }, token: account.token },
  );
  const vendorId = applyAsVendor.vendor.id as string;
  await gql.data(`mutation($v: ID!) { approveVendor(input: { vendorId: $v }) { vendor { id } } }`, {
    variables: { v: vendorId },
    token: admin,
  });
  // Tokens carry the role they were signed with: only a sign-in after users handled
  // vendor.approved carries VENDOR (`me` reads the account itself, so it may say VENDOR sooner).
  await until(async () => {
    const { me } = await gql.data(`{ me { role } }`, { token: account.token });
    return me.role === 'VENDOR' || undefined;
  }, 'the VENDOR role');
  const token = await signIn(supergraph, account.email, account.password);
  const created = await until(async () => {
    const result = await gql.request(
      `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } } }`,
      {
        variables: {
          i: {
            name: `Vera agent ${randomUUID().slice(0, 8)}`,
            description: 'Answers tickets.',
            kind: 'AGENT',
            price: { amount: 2500, currency: 'USD' },
            categoryId: globalId('Category', '00000000-0000-4000-8000-0000000c0101'),
            tags: ['support'],
          },
        },
        token,
      },
    );
    return result.data?.createProduct?.product.id as string | undefined;
  }, 'catalog to know the vendor');
  await gql.data(`mutation($p: ID!) { submitProductForReview(input: { productId: $p }) { product { id } } }`, {
    variables: { p: created },
    token,
  });
  await gql.data(`mutation($p: ID!) { approveProduct(input: { productId: $p }) { product { id } } }`, {
    variables: { p: created },
    token: admin,
  });
  return { ...account, token, vendorId, productId: created };
}
