import { randomUUID } from 'node:crypto';
import { Events, createEnvelope, rawIdOf } from '@marketplace/kit';
import { TestSubgraph, deliver, deliverEvent, globalId, sqlDuring, tokenFor } from '@marketplace/kit/testing';
import { TestVendor, addVendor, admin, createProduct, customer, publishedProduct, startCatalog } from '../testing';

/** recordProductView, Product.viewCount and Product.downloadCount (from product.downloaded). */
const VIEWS_PER_MINUTE = 5;
const WINDOW_SECONDS = 2;
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog({
    PRODUCT_VIEWS_PER_MINUTE: String(VIEWS_PER_MINUTE),
    PRODUCT_VIEW_WINDOW_SECONDS: String(WINDOW_SECONDS),
  });
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const VIEW = `mutation($productId: ID!) { recordProductView(input: { productId: $productId }) { counted product { id viewCount } } }`;
const COUNTS = `query($id: ID!) { product(id: $id) { viewCount downloadCount } }`;

/** A visitor: signed in with `token`, or anonymous from `ip`. */
type Visitor = { token?: string; ip?: string };
const anonymousFrom = (): Visitor => ({ ip: `203.0.113.${Math.floor(Math.random() * 250) + 1}-${randomUUID()}` });
const view = (productId: string, who: Visitor) =>
  catalog.client.request(VIEW, {
    variables: { productId },
    token: who.token,
    headers: who.ip ? { 'x-client-ip': who.ip } : {},
  });
const countsOf = async (productId: string) =>
  (await catalog.client.data(COUNTS, { variables: { id: productId }, token: admin() })).product as {
    viewCount: number;
    downloadCount: number;
  };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recordProductView', () => {
  it('counts a storefront product view by anyone, signed in or not, once per viewer and window', async () => {
    const product = await publishedProduct(catalog, vendor);
    const visitors: Visitor[] = [
      anonymousFrom(),
      { token: customer() },
      { token: vendor.token },
      { token: tokenFor(randomUUID(), 'VENDOR') },
      { token: admin() },
    ];
    for (const [i, who] of visitors.entries()) {
      const answer = await view(product.id, who);
      expect(answer.data?.recordProductView).toEqual({ counted: true, product: { id: product.id, viewCount: i + 1 } });
    }
    for (const who of visitors) expect((await view(product.id, who)).data?.recordProductView.counted).toBe(false);
    expect(await countsOf(product.id)).toEqual({ viewCount: visitors.length, downloadCount: 0 });

    // The window over, the same viewer counts again.
    await sleep(WINDOW_SECONDS * 1000 + 200);
    expect((await view(product.id, visitors[1])).data?.recordProductView.counted).toBe(true);
    expect((await countsOf(product.id)).viewCount).toBe(visitors.length + 1);
  });

  it('counts concurrent views of one viewer once, and of many viewers each once', async () => {
    const product = await publishedProduct(catalog, vendor);
    const same = { token: customer() };
    const answers = await Promise.all(Array.from({ length: VIEWS_PER_MINUTE }, () => view(product.id, same)));
    expect(answers.filter((answer) => answer.data?.recordProductView.counted)).toHaveLength(1);
    await Promise.all(Array.from({ length: 8 }, () => view(product.id, anonymousFrom())));
    expect((await countsOf(product.id)).viewCount).toBe(9);
  });

  it('answers a product the viewer may not see as NOT_FOUND and does not count the vendor’s own draft', async () => {
    const draft = await createProduct(catalog, vendor);
    for (const productId of [draft.id, globalId('Product', randomUUID())]) {
      const answer = await view(productId, { token: customer() });
      expect(answer.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(answer.data?.recordProductView).toBeNull();
    }
    const own = await view(draft.id, { token: vendor.token });
    expect(own.data?.recordProductView).toEqual({ counted: false, product: { id: draft.id, viewCount: 0 } });
  });

  it('answers BAD_USER_INPUT for a malformed id or one of another type', async () => {
    for (const productId of ['Product:nope', globalId('Review', randomUUID())]) {
      const answer = await view(productId, anonymousFrom());
      expect(answer.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [expect.objectContaining({ field: 'input.productId' })],
      });
    }
  });

  it(`refuses more than ${VIEWS_PER_MINUTE} reports a minute from one viewer with RATE_LIMITED`, async () => {
    const who = anonymousFrom();
    const products: { id: string }[] = [];
    for (let i = 0; i <= VIEWS_PER_MINUTE; i += 1) products.push(await publishedProduct(catalog, vendor));
    for (const product of products.slice(0, VIEWS_PER_MINUTE))
      expect((await view(product.id, who)).data?.recordProductView.counted).toBe(true);
    const refused = await view(products[VIEWS_PER_MINUTE].id, who);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect((await countsOf(products[VIEWS_PER_MINUTE].id)).viewCount).toBe(0);
  });
});

describe('downloadCount', () => {
  const downloaded = (productId: string) => ({
    productId: rawIdOf(productId),
    licenseId: randomUUID(),
    downloadId: String(Math.floor(Math.random() * 1e9)),
    version: '1.0.0',
  });

  it('counts each product.downloaded once, however often it is delivered, also concurrently', async () => {
    const product = await publishedProduct(catalog, vendor);
    const envelope = await deliverEvent(catalog, Events.ProductDownloaded, downloaded(product.id));
    await deliver(catalog, envelope);
    expect(await countsOf(product.id)).toEqual({ downloadCount: 1, viewCount: 0 });
    const more = Array.from({ length: 6 }, () =>
      createEnvelope(Events.ProductDownloaded, downloaded(product.id), {
        source: 'test',
        correlationId: 'downloads',
        aggregateId: rawIdOf(product.id),
      }),
    );
    await Promise.all([...more, ...more].map((event) => deliver(catalog, event)));
    expect((await countsOf(product.id)).downloadCount).toBe(7);
  });

  it('dead-letters a malformed product.downloaded and counts nothing', async () => {
    const product = await publishedProduct(catalog, vendor);
    const envelope = createEnvelope(Events.ProductDownloaded, downloaded(product.id), {
      source: 'test',
      correlationId: 'bad',
      aggregateId: rawIdOf(product.id),
    });
    (envelope.payload as { downloadId: string }).downloadId = 'not-a-number';
    await deliver(catalog, envelope);
    expect((await countsOf(product.id)).downloadCount).toBe(0);
  });

  it('reads the counts of a whole page of products in one statement', async () => {
    const owner = await addVendor(catalog);
    for (let i = 0; i < 5; i += 1) {
      const product = await publishedProduct(catalog, owner);
      await deliverEvent(catalog, Events.ProductDownloaded, downloaded(product.id));
    }
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(
        `query($vendorId: ID!) { products(filter: { vendorId: $vendorId }) { edges { node { downloadCount viewCount } } } }`,
        { variables: { vendorId: owner.id } },
      ),
    );
    expect(result.products.edges.map((edge: { node: unknown }) => edge.node)).toEqual(
      Array.from({ length: 5 }, () => ({ downloadCount: 1, viewCount: 0 })),
    );
    expect(statements.filter((sql) => /product_stats/.test(sql))).toHaveLength(1);
  });
});
