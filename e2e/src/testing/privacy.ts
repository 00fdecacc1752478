import { randomUUID } from 'node:crypto';
import { DemoIds, queryRows } from '@marketplace/kit';
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

/** The real purchase path: cart → checkout → intent → simulated payment → FULFILLED; then activate and review. */
export async function buyer(supergraph: TestSupergraph, name: string, productId: string): Promise<Buyer> {
  const gql = supergraph.client;
  const account = await register(supergraph, name);
  const { token } = account;
  await addToCart(supergraph, token, productId);
  const { checkout } = await gql.data(
    `mutation($k: String!) { checkout(input: { idempotencyKey: $k }) { order { id } } }`,
    { variables: { k: `privacy-${randomUUID()}` }, token },
  );
  const orderId = checkout.order.id as string;
  await until(async () => {
    const result = await gql.request(
      `mutation($o: ID!) { createPaymentIntent(input: { orderId: $o }) { payment { id } } }`,
      {
        variables: { o: orderId },
        token,
      },
    );
    return result.data?.createPaymentIntent ?? undefined;
  }, 'payments to know the order');
  await gql.data(
    `mutation($o: ID!) { simulatePayment(input: { orderId: $o, outcome: SUCCEEDED }) { payment { status } } }`,
    {
      variables: { o: orderId },
      token,
    },
  );
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
  ];
  for (const subgraph of ['orders', 'payments', 'licensing', 'catalog', 'vendor'])
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
