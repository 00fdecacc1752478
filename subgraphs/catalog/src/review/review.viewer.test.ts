import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, sqlDuring, tokenFor, globalId, uuidOf } from '@marketplace/kit/testing';
import {
  ADD_REVIEW,
  ARCHIVE_PRODUCT,
  TestCustomer,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  licensedCustomer,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

/** Product.viewerReview and Product.viewerCanReview: per viewer, never shared; Review as an entity. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const VIEWER = `query($id: ID!) { product(id: $id) { id viewerCanReview viewerReview { id rating body owner { id } } } }`;
const ENTITY_VIEWER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id viewerCanReview viewerReview { id } } } }`;
const REVIEWS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id rating body owner { id } product { id } } } }`;

const viewerOf = async (productId: string, token?: string) =>
  (await catalog.client.data(VIEWER, { variables: { id: productId }, token })).product;

async function review(productId: string, who: TestCustomer, rating = 4, body: string | null = 'Good.') {
  const { addReview } = await catalog.client.data(ADD_REVIEW, {
    variables: { productId, rating, body },
    token: who.token,
  });
  return addReview.review as { id: string; rating: number; body: string | null };
}

describe('viewerCanReview and viewerReview', () => {
  it('answer false and null to anonymous viewers, also from the storefront cache', async () => {
    const product = await publishedProduct(catalog, vendor);
    await review(product.id, await licensedCustomer(catalog, product.id));
    for (let i = 0; i < 2; i += 1)
      expect(await viewerOf(product.id)).toEqual({ id: product.id, viewerCanReview: false, viewerReview: null });
  });

  it.each<[string, boolean, (productId: string) => Promise<string>]>([
    ['a license holder who has not reviewed it', true, async (id) => (await licensedCustomer(catalog, id)).token],
    ['a customer without a license', false, async () => customer()],
    ['an admin without a license', false, async () => admin()],
    [
      'its vendor, even holding a license',
      false,
      async (id) => (await licensedCustomer(catalog, id, vendor.userId)) && vendor.token,
    ],
    [
      'a license holder whose license was revoked',
      false,
      async (productId) => {
        const license = {
          licenseId: randomUUID(),
          productId: uuidOf(productId),
          ownerId: randomUUID(),
          orderId: randomUUID(),
        };
        await deliverEvent(catalog, Events.LicenseIssued, license);
        await deliverEvent(catalog, Events.LicenseRevoked, { ...license, reason: 'refund' });
        return tokenFor(license.ownerId, 'CUSTOMER');
      },
    ],
  ])('viewerCanReview for %s: %s, exactly when addReview succeeds', async (_who, may, tokenOf) => {
    const product = await publishedProduct(catalog, vendor);
    const token = await tokenOf(product.id);
    expect(await viewerOf(product.id, token)).toMatchObject({ viewerCanReview: may, viewerReview: null });
    const added = await catalog.client.request(ADD_REVIEW, { variables: { productId: product.id, rating: 3 }, token });
    expect(added.errors === undefined).toBe(may);
  });

  it('turns false once reviewed (viewerReview is that review), and true again after deleting it', async () => {
    const product = await publishedProduct(catalog, vendor);
    const holder = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, holder, 5, null);
    expect(await viewerOf(product.id, holder.token)).toEqual({
      id: product.id,
      viewerCanReview: false,
      viewerReview: { id: written.id, rating: 5, body: null, owner: { id: holder.id } },
    });
    await catalog.client.data(`mutation($id: ID!) { deleteReview(input: { reviewId: $id }) { deletedReviewId } }`, {
      variables: { id: written.id },
      token: holder.token,
    });
    expect(await viewerOf(product.id, holder.token)).toMatchObject({ viewerCanReview: true, viewerReview: null });
  });

  it("is false when the product left the storefront (archived, vendor suspended); the review stays the viewer's", async () => {
    const seller = await addVendor(catalog);
    const archived = await publishedProduct(catalog, seller);
    const suspended = await publishedProduct(catalog, seller);
    const holder = await licensedCustomer(catalog, archived.id);
    await licensedCustomer(catalog, suspended.id, holder.userId);
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: archived.id }, token: seller.token });
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    for (const product of [archived, suspended]) {
      const representation = [{ __typename: 'Product', id: product.id }];
      const { _entities } = await catalog.client.data(ENTITY_VIEWER, {
        variables: { r: representation },
        token: holder.token,
      });
      expect(_entities).toEqual([{ id: product.id, viewerCanReview: false, viewerReview: null }]);
    }
  });

  it('two viewers reading one product at the same time each get their own answer', async () => {
    const product = await publishedProduct(catalog, vendor);
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(() => licensedCustomer(catalog, product.id)));
    const alices = await review(product.id, alice, 2, 'Alice here.');
    const bobs = await review(product.id, bob, 5, 'Bob here.');
    for (let round = 0; round < 3; round += 1) {
      const [a, b, c, nobody] = await Promise.all([
        viewerOf(product.id, alice.token),
        viewerOf(product.id, bob.token),
        viewerOf(product.id, carol.token),
        viewerOf(product.id),
      ]);
      expect(a).toMatchObject({ viewerCanReview: false, viewerReview: { id: alices.id, body: 'Alice here.' } });
      expect(b).toMatchObject({ viewerCanReview: false, viewerReview: { id: bobs.id, body: 'Bob here.' } });
      expect(c).toMatchObject({ viewerCanReview: true, viewerReview: null });
      expect(nobody).toMatchObject({ viewerCanReview: false, viewerReview: null });
    }
  });

  it('are never declared shareable: an entity answer selecting them is no-store, for every viewer', async () => {
    const product = await publishedProduct(catalog, vendor);
    const holder = await licensedCustomer(catalog, product.id);
    const r = [{ __typename: 'Product', id: product.id }];
    const plain = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }`;
    for (const token of [undefined, holder.token, customer()]) {
      expect((await catalog.client.request(plain, { variables: { r }, token })).headers.get('cache-control')).toMatch(
        /public/,
      );
      for (const query of [
        ENTITY_VIEWER,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { viewerCanReview } } }`,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { viewerReview { id } } } }`,
      ])
        expect((await catalog.client.request(query, { variables: { r }, token })).headers.get('cache-control')).toBe(
          'no-store',
        );
    }
  });

  it('load for many products in one statement each (reviews, licenses)', async () => {
    const products = await Promise.all([0, 1, 2].map(() => publishedProduct(catalog, vendor)));
    const holder = await licensedCustomer(catalog, products[0].id);
    await licensedCustomer(catalog, products[1].id, holder.userId);
    await review(products[0].id, holder);
    const r = products.map((p) => ({ __typename: 'Product', id: p.id }));
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(ENTITY_VIEWER, { variables: { r }, token: holder.token }),
    );
    expect(result._entities.map((e: { viewerCanReview: boolean }) => e.viewerCanReview)).toEqual([false, true, false]);
    expect(statements.filter((sql) => /FROM reviews/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /FROM licenses/.test(sql))).toHaveLength(1);
  });
});

describe('Review entity', () => {
  it('resolves reviews of visible products in one statement; unknown, malformed and hidden ones are null', async () => {
    const seller = await addVendor(catalog);
    const live = await publishedProduct(catalog, seller);
    const gone = await publishedProduct(catalog, seller);
    const holder = await licensedCustomer(catalog, live.id);
    await licensedCustomer(catalog, gone.id, holder.userId);
    const shown = await review(live.id, holder, 4, 'Shown.');
    const hidden = await review(gone.id, holder, 2, 'Hidden.');
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: gone.id }, token: seller.token });
    const ids = [shown.id, hidden.id, globalId('Review', randomUUID()), 'not-a-uuid'];
    const r = ids.map((id) => ({ __typename: 'Review', id }));
    for (const token of [undefined, customer(), holder.token]) {
      const { result, statements } = await sqlDuring(catalog, () =>
        catalog.client.data(REVIEWS, { variables: { r }, token }),
      );
      expect(result._entities).toEqual([
        { id: shown.id, rating: 4, body: 'Shown.', owner: { id: holder.id }, product: { id: live.id } },
        null,
        null,
        null,
      ]);
      expect(statements.filter((sql) => /FROM reviews/.test(sql))).toHaveLength(1);
    }
    // The archived product's vendor and admins still see it, and its reviews.
    for (const token of [seller.token, admin()]) {
      const { _entities } = await catalog.client.data(REVIEWS, { variables: { r: r.slice(1, 2) }, token });
      expect(_entities).toEqual([
        { id: hidden.id, rating: 2, body: 'Hidden.', owner: { id: holder.id }, product: { id: gone.id } },
      ]);
    }
  });

  it("hides a draft's reviews from everyone but its vendor and admins", async () => {
    const draft = await createProduct(catalog, vendor);
    const id = (
      await catalog.subgraph.deps.db.query(
        `INSERT INTO reviews (product_id, author_id, rating) VALUES ($1, $2, 3) RETURNING id`,
        [uuidOf(draft.id), randomUUID()],
      )
    )[0].id;
    const r = [{ __typename: 'Review', id: globalId('Review', id) }];
    for (const [token, visible] of [
      [undefined, false],
      [customer(), false],
      [vendor.token, true],
      [admin(), true],
    ] as const) {
      const { _entities } = await catalog.client.data(REVIEWS, { variables: { r }, token });
      expect(_entities[0]?.id ?? null).toBe(visible ? globalId('Review', id) : null);
    }
  });
});
