import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, sqlDuring, globalId } from '@marketplace/kit/testing';
import { TestVendor, addVendor, customer, licensedCustomer, publishedProduct, startCatalog } from '../testing';

/**
 * Anonymous storefront reads come from the cache (memory, or Redis when REDIS_URL is set)
 * and every change shows on the next read.
 */
const storageDir = mkdtempSync(join(tmpdir(), 'catalog-cache-artifacts-'));
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog({ ARTIFACT_STORAGE_DIR: storageDir });
  vendor = await addVendor(catalog);
});
afterAll(async () => {
  await catalog.close();
  rmSync(storageDir, { recursive: true, force: true });
});

const PAGE_FIELDS = `
    id slug name price { amount currency } status rating reviewCount rejectionReason
    category { slug name parent { slug } children { slug } } vendor { id }
    artifact { sha256 size version }
    reviews(first: 5) { totalCount edges { node { rating body owner { id } } } }`;
const PAGE = `query($id: ID!) { product(id: $id) { ${PAGE_FIELDS} } }`;
const PAGE_BY_SLUG = `query($slug: String!) { product: productBySlug(slug: $slug) { ${PAGE_FIELDS} } }`;
const CATEGORIES = `{ categories { slug name children { slug parent { slug } } } categoryBySlug(slug: "coding") { name parent { name } } }`;
const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`;
const ADD_REVIEW = `mutation($productId: ID!, $rating: Int!, $body: String) { addReview(input: { productId: $productId, rating: $rating, body: $body }) { review { id } } }`;
const UPDATE_REVIEW = `mutation($id: ID!, $rating: Int) { updateReview(input: { reviewId: $id, rating: $rating }) { review { id } } }`;
const DELETE_REVIEW = `mutation($id: ID!) { deleteReview(input: { reviewId: $id }) { deletedReviewId } }`;
const UPLOAD = `mutation($productId: ID!, $version: String!) { createArtifactUpload(input: { productId: $productId, version: $version }) { upload { uploadUrl } } }`;

/** updateProduct variables as `{ id, input }`. */
const updateVariables = (id: string, input: Record<string, unknown>) => ({ input: { productId: id, ...input } });
const anonymous = (variables: { id: string } | { slug: string }) =>
  catalog.client.request('id' in variables ? PAGE : PAGE_BY_SLUG, { variables });
const productOf = async (variables: { id: string } | { slug: string }) => (await anonymous(variables)).data?.product;
/** Statements about the storefront's data (the event machinery's own are left out by sqlDuring). */
const storefrontSql = (statements: string[]) =>
  statements.filter((sql) => /\b(products|reviews|categories|vendors|artifacts)\b/.test(sql));

describe('anonymous reads', () => {
  it('answer product(id) the second time without touching the database: product, category, reviews and all', async () => {
    const product = await publishedProduct(catalog, vendor);
    const first = await sqlDuring(catalog, () => anonymous({ id: product.id }));
    expect(storefrontSql(first.statements).length).toBeGreaterThan(0);
    const second = await sqlDuring(catalog, () => anonymous({ id: product.id }));
    expect(second.result.data).toEqual(first.result.data);
    expect(second.result.data?.product).toMatchObject({
      id: product.id,
      name: product.name,
      category: { slug: 'customer-support', parent: { slug: 'agents' } },
      reviews: { totalCount: 0 },
    });
    expect(second.statements).toEqual([]);
  });

  it('answer productBySlug(slug) the second time without touching the database', async () => {
    const product = await publishedProduct(catalog, vendor);
    await anonymous({ slug: product.slug });
    const again = await sqlDuring(catalog, () => anonymous({ slug: ` ${product.slug.toUpperCase()} ` }));
    expect(again.result.data?.product.id).toBe(product.id);
    expect(again.statements).toEqual([]);
  });

  it('answer categories and categoryBySlug(slug) the second time without touching the database', async () => {
    const first = await catalog.client.data(CATEGORIES);
    const second = await sqlDuring(catalog, () => catalog.client.data(CATEGORIES));
    expect(second.result).toEqual(first);
    expect(second.result.categoryBySlug).toEqual({ name: 'Coding', parent: { name: 'Agents' } });
    expect(second.statements).toEqual([]);
  });

  it('never cache what is not found', async () => {
    const missing = globalId('Product', randomUUID());
    for (let i = 0; i < 2; i += 1) {
      const { result, statements } = await sqlDuring(catalog, () => anonymous({ id: missing }));
      expect(result).toMatchObject({ data: { product: null }, errors: undefined });
      expect(storefrontSql(statements).length).toBeGreaterThan(0);
    }
  });
});

describe('signed-in reads bypass the cache', () => {
  it("a customer's and the owner's reads go to the database every time; the owner sees private fields", async () => {
    const product = await publishedProduct(catalog, vendor);
    await anonymous({ id: product.id });
    for (const token of [customer(), vendor.token]) {
      for (let i = 0; i < 2; i += 1) {
        const { statements } = await sqlDuring(catalog, () =>
          catalog.client.data(PAGE, { variables: { id: product.id }, token }),
        );
        expect(storefrontSql(statements).length).toBeGreaterThan(0);
      }
    }
  });
});

describe('every change shows on the next anonymous read', () => {
  let product: { id: string; name: string };
  beforeEach(async () => {
    product = await publishedProduct(catalog, vendor);
    await anonymous({ id: product.id });
    await anonymous({ id: product.id }); // cached now
  });

  it('updateProduct', async () => {
    await catalog.client.data(UPDATE, {
      variables: updateVariables(product.id, {
        name: `Renamed ${randomUUID()}`,
        price: { amount: 777, currency: 'EUR' },
      }),
      token: vendor.token,
    });
    expect(await productOf({ id: product.id })).toMatchObject({
      name: expect.stringMatching(/^Renamed /),
      price: { amount: 777, currency: 'EUR' },
    });
  });

  it('archiveProduct (by id and by slug)', async () => {
    const slug = (await productOf({ id: product.id })).slug;
    await anonymous({ slug });
    await catalog.client.data(ARCHIVE, { variables: { id: product.id }, token: vendor.token });
    for (const variables of [{ id: product.id }, { slug }])
      expect(await anonymous(variables)).toMatchObject({ data: { product: null }, errors: undefined });
  });

  it('vendor.suspended and vendor.reinstated (events), and vendor.updated supersedes the storefront too', async () => {
    const seller = await addVendor(catalog);
    const own = await publishedProduct(catalog, seller);
    await anonymous({ id: own.id });
    await anonymous({ id: own.id });
    const ids = { vendorId: seller.vendorId, userId: seller.userId };
    await deliverEvent(catalog, Events.VendorSuspended, ids);
    expect((await anonymous({ id: own.id })).data?.product).toBeNull();
    await deliverEvent(catalog, Events.VendorReinstated, ids);
    expect((await productOf({ id: own.id })).id).toBe(own.id);
    const { statements } = await sqlDuring(catalog, () => anonymous({ id: own.id }));
    expect(statements).toEqual([]);
    await deliverEvent(catalog, Events.VendorUpdated, {
      ...ids,
      displayName: 'New Name',
      slug: `new-${randomUUID().slice(0, 8)}`,
    });
    expect(
      storefrontSql((await sqlDuring(catalog, () => anonymous({ id: own.id }))).statements).length,
    ).toBeGreaterThan(0);
  });

  it('addReview, updateReview and deleteReview', async () => {
    const author = await licensedCustomer(catalog, product.id);
    const { addReview } = await catalog.client.data(ADD_REVIEW, {
      variables: { productId: product.id, rating: 2, body: 'Hm.' },
      token: author.token,
    });
    expect(await productOf({ id: product.id })).toMatchObject({
      rating: 2,
      reviewCount: 1,
      reviews: { totalCount: 1, edges: [{ node: { rating: 2, body: 'Hm.' } }] },
    });
    await catalog.client.data(UPDATE_REVIEW, {
      variables: { id: addReview.review.id, rating: 5 },
      token: author.token,
    });
    expect(await productOf({ id: product.id })).toMatchObject({
      rating: 5,
      reviews: { edges: [{ node: { rating: 5 } }] },
    });
    await catalog.client.data(DELETE_REVIEW, { variables: { id: addReview.review.id }, token: author.token });
    expect(await productOf({ id: product.id })).toMatchObject({
      rating: null,
      reviewCount: 0,
      reviews: { totalCount: 0 },
    });
  });

  it('an artifact upload', async () => {
    const { createArtifactUpload } = await catalog.client.data(UPLOAD, {
      variables: { productId: product.id, version: '1.0.0' },
      token: vendor.token,
    });
    const response = await fetch(
      catalog.subgraph.url.replace(/\/graphql$/, '') + new URL(createArtifactUpload.upload.uploadUrl).pathname,
      { method: 'PUT', body: randomBytes(100) },
    );
    expect(response.status).toBe(200);
    expect((await productOf({ id: product.id })).artifact).toMatchObject({ size: 100, version: '1.0.0' });
  });

  it('while anonymous reads race the change: the first read after it returns shows it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const name = `Raced ${round} ${randomUUID()}`;
      const readers = Promise.all(Array.from({ length: 10 }, () => anonymous({ id: product.id })));
      await catalog.client.data(UPDATE, { variables: updateVariables(product.id, { name }), token: vendor.token });
      await readers;
      expect((await productOf({ id: product.id })).name).toBe(name);
    }
  });
});

describe('listing pages (browse and search) are shared until any product or vendor changes', () => {
  const LISTING = `query($vendorId: ID, $search: String) {
    products(filter: { vendorId: $vendorId, search: $search }, first: 5) { totalCount edges { node { id name rating } } }
  }`;
  let seller: TestVendor;
  let word: string;
  let listed: { id: string; name: string };
  const listing = async (variables: Record<string, unknown>) =>
    (await catalog.client.data(LISTING, { variables })).products;
  const ofSeller = () => listing({ vendorId: seller.id });
  const found = () => listing({ search: word });
  beforeEach(async () => {
    seller = await addVendor(catalog);
    // A word of its own, so the search sees only this test's products.
    word = `zq${randomUUID().replace(/\d|-/g, '').slice(0, 10)}`;
    listed = await publishedProduct(catalog, seller, { name: `Listed ${word} agent` });
    await ofSeller();
    await found();
  });

  it('answer the same page again without touching the database, signed in or not', async () => {
    for (const read of [
      ofSeller,
      found,
      () =>
        catalog.client.data(LISTING, { variables: { search: word }, token: customer() }).then((data) => data.products),
    ]) {
      const { result, statements } = await sqlDuring(catalog, read);
      expect(result.totalCount).toBe(1);
      expect(storefrontSql(statements)).toEqual([]);
    }
  });

  it('show a new product, a renamed one, a new rating and an archived one on the next read', async () => {
    const second = await publishedProduct(catalog, seller, { name: `Second ${word} tool` });
    expect(await found()).toMatchObject({ totalCount: 2 });
    expect((await ofSeller()).totalCount).toBe(2);

    await catalog.client.data(UPDATE, {
      variables: updateVariables(listed.id, { name: `Renamed ${word} agent` }),
      token: seller.token,
    });
    expect((await found()).edges.map((edge: { node: { name: string } }) => edge.node.name)).toContain(
      `Renamed ${word} agent`,
    );

    const author = await licensedCustomer(catalog, second.id);
    await catalog.client.data(ADD_REVIEW, { variables: { productId: second.id, rating: 4 }, token: author.token });
    expect(
      (await ofSeller()).edges.find((edge: { node: { id: string } }) => edge.node.id === second.id).node.rating,
    ).toBe(4);

    await catalog.client.data(ARCHIVE, { variables: { id: second.id }, token: seller.token });
    expect(await found()).toMatchObject({ totalCount: 1, edges: [{ node: { id: listed.id } }] });
  });

  it("drop a suspended vendor's products on the next read", async () => {
    await deliverEvent(catalog, Events.VendorSuspended, { vendorId: seller.vendorId, userId: seller.userId });
    expect(await found()).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('while readers race a change: the first read after it returns shows it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const name = `Raced ${round} ${word}`;
      const readers = Promise.all(Array.from({ length: 10 }, () => found()));
      await catalog.client.data(UPDATE, { variables: updateVariables(listed.id, { name }), token: seller.token });
      await readers;
      expect((await found()).edges[0].node.name).toBe(name);
    }
  });
});
