import { randomBytes } from 'node:crypto';
import { RESPONSE_CACHE_HEADER } from '@marketplace/gateway';
import { sessionsRecorded } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';
import { adaProducts, addToCart, checkoutAndPay, register, signIn } from './testing/privacy';

/**
 * Issue 22's merchandising, through the gateway only: an admin features products (the
 * gateway's cached anonymous list changes at once), a paid order of two products makes
 * each "customers also bought" of the other, and a product page shows its version history,
 * requirements and compatibility, the downloads of its builds and the views clients report.
 */
let supergraph: TestSupergraph;
let products: string[];
let ada: string;
let admin: string;
beforeAll(async () => {
  supergraph = await startTestSupergraph({
    PAYMENT_SIMULATION_ENABLED: 'true',
    REGISTRATIONS_PER_IP_PER_HOUR: '1000',
    ORDER_EXPIRY_CHECK_SECONDS: '3600',
  });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  products = await adaProducts(supergraph);
  ada = await signIn(supergraph, 'ada@vendors.local', 'demo-password-123');
  admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
}, 60_000);
afterAll(async () => {
  await supergraph?.close();
});

const gql = () => supergraph.client;
const gatewayUrl = (path: string) => new URL(new URL(path).pathname, supergraph.gateway.url).href;

/** An anonymous read as a browser sends it, with the gateway's response-cache verdict. */
async function anonymous(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(supergraph.client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { cache: response.headers.get(RESPONSE_CACHE_HEADER), data: body.data, errors: body.errors };
}

const FEATURED = `{ featuredProducts(first: 5) { totalCount edges { node { id name featured } } } }`;
const SET_FEATURED = `mutation($p: ID!, $f: Boolean!) { setProductFeatured(input: { productId: $p, featured: $f }) { product { id featured } } }`;

it('features products for the storefront: admins only, and the cached anonymous list changes at once', async () => {
  const before = await anonymous(FEATURED);
  expect(before.data.featuredProducts.totalCount).toBe(9); // the demo picks
  expect((await anonymous(FEATURED)).cache).toBe('HIT');

  for (const token of [undefined, ada, (await register(supergraph, 'Cleo')).token]) {
    await sessionsRecorded();
    const refused = await gql().request(SET_FEATURED, { variables: { p: products[0], f: true }, token });
    expect(refused.errors?.[0].extensions?.code).toBe(token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
  }
  const { setProductFeatured } = await gql().data(SET_FEATURED, {
    variables: { p: products[0], f: true },
    token: admin,
  });
  expect(setProductFeatured.product).toEqual({ id: products[0], featured: true });

  const after = await anonymous(FEATURED);
  expect(after.cache).not.toBe('HIT');
  expect(after.data.featuredProducts.totalCount).toBe(10);
  expect(after.data.featuredProducts.edges[0].node).toMatchObject({ id: products[0], featured: true });

  // Two admins taking it out at once: one change, the list as before.
  await Promise.all(
    [admin, admin].map((token) => gql().data(SET_FEATURED, { variables: { p: products[0], f: false }, token })),
  );
  expect((await anonymous(FEATURED)).data.featuredProducts).toEqual(before.data.featuredProducts);
});

it('lists what customers also bought from paid orders, kept current by order.paid', async () => {
  const [first, second] = [products[1], products[2]];
  const buyer = await register(supergraph, 'Milo');
  await addToCart(supergraph, buyer.token, first);
  await addToCart(supergraph, buyer.token, second);
  await checkoutAndPay(supergraph, buyer.token);
  const ALSO = `query($id: ID!) { product(id: $id) { customersAlsoBought { id } } }`;
  await until(async () => {
    const { product } = await gql().data(ALSO, { variables: { id: first }, token: buyer.token });
    return product.customersAlsoBought.length > 0 ? true : undefined;
  }, 'the catalog to count the order');
  for (const [product, other] of [
    [first, second],
    [second, first],
  ]) {
    const { data } = await anonymous(ALSO, { id: product });
    expect(data.product.customersAlsoBought).toEqual([{ id: other }]);
  }
});

it('shows versions, requirements, compatibility, downloads and views on the product page', async () => {
  const productId = products[3];
  const PAGE = `query($id: ID!) { product(id: $id) {
    requirements compatibility downloadCount viewCount
    artifact { version } versions(first: 5) { totalCount edges { node { version size sha256 } } }
  } }`;
  const seeded = (await anonymous(PAGE, { id: productId })).data.product;
  expect(seeded.requirements.length).toBeGreaterThan(0);
  expect(seeded.compatibility.length).toBeGreaterThan(0);

  // The vendor edits the lists and uploads two builds; the cached anonymous page follows each change.
  await gql().data(`mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { id } } }`, {
    variables: { i: { productId, requirements: ['Node.js 22'], compatibility: ['Linux', 'macOS'] } },
    token: ada,
  });
  for (const version of ['3.0.0', '3.1.0']) {
    const { createArtifactUpload } = await gql().data(
      `mutation($p: ID!, $v: String!) { createArtifactUpload(input: { productId: $p, version: $v }) { upload { uploadUrl } } }`,
      { variables: { p: productId, v: version }, token: ada },
    );
    const put = await fetch(gatewayUrl(createArtifactUpload.upload.uploadUrl), {
      method: 'PUT',
      body: randomBytes(2048),
      headers: { 'content-type': 'application/zip' },
    });
    expect(put.status).toBe(200);
  }
  const page = (await anonymous(PAGE, { id: productId })).data.product;
  expect(page).toMatchObject({
    requirements: ['Node.js 22'],
    compatibility: ['Linux', 'macOS'],
    artifact: { version: '3.1.0' },
    versions: { totalCount: 2, edges: [{ node: { version: '3.1.0', size: 2048 } }, { node: { version: '3.0.0' } }] },
  });

  // A buyer downloads the build: licensing tells the catalog.
  const buyer = await register(supergraph, 'Ines');
  await addToCart(supergraph, buyer.token, productId);
  const orderId = await checkoutAndPay(supergraph, buyer.token);
  const license = await until(async () => {
    const { order } = await gql().data(`query($o: ID!) { order(id: $o) { status licenses { id } } }`, {
      variables: { o: orderId },
      token: buyer.token,
    });
    return order.status === 'FULFILLED' ? (order.licenses[0] as { id: string }) : undefined;
  }, 'the order to be fulfilled');
  const link = await until(async () => {
    const answer = await gql().request(
      `mutation($l: ID!) { createDownloadLink(input: { licenseId: $l }) { downloadLink { url version } } }`,
      { variables: { l: license.id }, token: buyer.token },
    );
    return answer.data?.createDownloadLink?.downloadLink.version === '3.1.0'
      ? (answer.data.createDownloadLink.downloadLink as { url: string })
      : undefined;
  }, 'licensing to know the newest build');
  const download = await fetch(gatewayUrl(link.url));
  expect(download.status).toBe(200);
  expect((await download.arrayBuffer()).byteLength).toBe(2048);
  const COUNTS = `query($id: ID!) { product(id: $id) { downloadCount viewCount } }`;
  await until(async () => {
    const { product } = await gql().data(COUNTS, { variables: { id: productId }, token: buyer.token });
    return product.downloadCount === 1 ? true : undefined;
  }, 'the catalog to count the download');

  // Views: reported by the page, once per viewer and window.
  const VIEW = `mutation($p: ID!) { recordProductView(input: { productId: $p }) { counted product { viewCount } } }`;
  const first = await gql().data(VIEW, { variables: { p: productId } });
  expect(first.recordProductView).toEqual({ counted: true, product: { viewCount: 1 } });
  const again = await gql().data(VIEW, { variables: { p: productId } });
  expect(again.recordProductView).toEqual({ counted: false, product: { viewCount: 1 } });
  await sessionsRecorded();
  const signedIn = await gql().data(VIEW, { variables: { p: productId }, token: buyer.token });
  expect(signedIn.recordProductView).toEqual({ counted: true, product: { viewCount: 2 } });
  const bad = await gql().request(VIEW, { variables: { p: 'Product:nope' } });
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});
