import { randomUUID } from 'node:crypto';
import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, sqlDuring, tokenFor, uuidOf } from '@marketplace/kit/testing';
import {
  ARCHIVE_PRODUCT,
  SUBMIT_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';
import { WISHLIST_MAX_ITEMS } from './wishlist.store';

/** addToWishlist, removeFromWishlist, User.wishlist, Product.inMyWishlist and Product.wishlistCount. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ADD = `mutation($productId: ID!) { addToWishlist(input: { productId: $productId }) { product { id inMyWishlist wishlistCount } user { id } } }`;
const REMOVE = `mutation($productId: ID!) { removeFromWishlist(input: { productId: $productId }) { product { id inMyWishlist wishlistCount } user { id } } }`;
const WISHLIST = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on User {
  wishlist(first: $first, after: $after) { totalCount edges { cursor node { addedAt available product { id status } } } pageInfo { hasNextPage hasPreviousPage endCursor } }
} } }`;
const MARKS = `query($id: ID!) { product(id: $id) { id inMyWishlist wishlistCount } }`;

const shopper = () => {
  const userId = randomUUID();
  return { userId, id: globalId('User', userId), token: tokenFor(userId, 'CUSTOMER') };
};
type Shopper = ReturnType<typeof shopper>;

const add = (productId: string, who: Shopper) =>
  catalog.client.data(ADD, { variables: { productId }, token: who.token }).then((data) => data.addToWishlist);
const remove = (productId: string, who: Shopper) =>
  catalog.client.data(REMOVE, { variables: { productId }, token: who.token }).then((data) => data.removeFromWishlist);
const rowsOf = (who: Shopper) =>
  queryRows<{ product_id: string }>(
    catalog.subgraph.deps.db,
    `SELECT product_id FROM wishlist_items WHERE user_id = $1 ORDER BY product_id`,
    [who.userId],
  );

async function wishlistOf(userGlobalId: string, token: string | undefined, variables: Record<string, unknown> = {}) {
  return catalog.client.request(WISHLIST, {
    variables: { r: [{ __typename: 'User', id: userGlobalId }], ...variables },
    token,
  });
}

describe('addToWishlist and removeFromWishlist', () => {
  it('add a product once however often it is added, and remove it; the payload holds the product and the viewer', async () => {
    const product = await publishedProduct(catalog, vendor);
    const alice = shopper();
    const expected = { product: { id: product.id, inMyWishlist: true, wishlistCount: 1 }, user: { id: alice.id } };
    expect(await add(product.id, alice)).toEqual(expected);
    expect(await add(product.id, alice)).toEqual(expected);
    expect(await rowsOf(alice)).toEqual([{ product_id: uuidOf(product.id) }]);

    const removed = { product: { id: product.id, inMyWishlist: false, wishlistCount: 0 }, user: { id: alice.id } };
    expect(await remove(product.id, alice)).toEqual(removed);
    // Not on the list any more: still a success, nothing changes.
    expect(await remove(product.id, alice)).toEqual(removed);
    expect(await rowsOf(alice)).toEqual([]);
  });

  it('refuse anonymous callers with UNAUTHENTICATED', async () => {
    const product = await publishedProduct(catalog, vendor);
    for (const mutation of [ADD, REMOVE])
      expect(await catalog.client.errorCode(mutation, { variables: { productId: product.id } })).toBe(
        'UNAUTHENTICATED',
      );
  });

  it.each<[string, string]>([
    ['a malformed id', 'Product:not-a-uuid'],
    ['an id of another type', globalId('Review', randomUUID())],
  ])('answer BAD_USER_INPUT for %s', async (_what, productId) => {
    for (const mutation of [ADD, REMOVE]) {
      const answer = await catalog.client.request(mutation, { variables: { productId }, token: shopper().token });
      expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('answer NOT_FOUND for a missing product and alike for a product of another vendor that was never published', async () => {
    const other = await addVendor(catalog);
    const draft = await createProduct(catalog, other);
    const inReview = await createProduct(catalog, other);
    await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: inReview.id }, token: other.token });
    const alice = shopper();
    for (const productId of [globalId('Product', randomUUID()), draft.id, inReview.id])
      for (const mutation of [ADD, REMOVE]) {
        const answer = await catalog.client.request(mutation, { variables: { productId }, token: alice.token });
        expect(answer.errors?.[0]).toMatchObject({ message: 'Product not found', extensions: { code: 'NOT_FOUND' } });
      }
    expect(await rowsOf(alice)).toEqual([]);
  });

  it('answer CONFLICT (PRODUCT_UNAVAILABLE) for an archived product and for its own vendor’s draft', async () => {
    const archived = await publishedProduct(catalog, vendor);
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: archived.id }, token: vendor.token });
    const draft = await createProduct(catalog, vendor);
    for (const [productId, token] of [
      [archived.id, shopper().token],
      [draft.id, vendor.token],
    ]) {
      const answer = await catalog.client.request(ADD, { variables: { productId }, token });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PRODUCT_UNAVAILABLE' });
    }
    expect(await catalog.client.data(MARKS, { variables: { id: draft.id }, token: vendor.token })).toEqual({
      product: { id: draft.id, inMyWishlist: false, wishlistCount: 0 },
    });
  });

  it(`hold at most ${WISHLIST_MAX_ITEMS} products (CONFLICT, WISHLIST_FULL), also under concurrent adds`, async () => {
    const alice = shopper();
    const listed = await publishedProduct(catalog, vendor);
    await add(listed.id, alice);
    // The other 498 written directly, on copies of a published product (through the API they would take minutes).
    const columns = (
      await queryRows<{ name: string }>(
        catalog.subgraph.deps.db,
        `SELECT column_name AS name FROM information_schema.columns
          WHERE table_name = 'products' AND is_generated = 'NEVER' AND generation_expression IS NULL`,
      )
    ).map((column) => `"${column.name}"`);
    await catalog.subgraph.deps.db.query(
      `WITH copies AS (
         INSERT INTO products (${columns.join(', ')})
         SELECT ${columns.map((c) => `c.${c}`).join(', ')}
           FROM products p, generate_series(1, $3) n,
                jsonb_populate_record(NULL::products, to_jsonb(p) || jsonb_build_object(
                  'id', gen_random_uuid(), 'slug', p.slug || '-' || n, 'name', p.name || ' ' || n)) c
          WHERE p.id = $2
         RETURNING id)
       INSERT INTO wishlist_items (user_id, product_id) SELECT $1, id FROM copies`,
      [alice.userId, uuidOf(listed.id), WISHLIST_MAX_ITEMS - 2],
    );
    expect(await rowsOf(alice)).toHaveLength(WISHLIST_MAX_ITEMS - 1);

    // One place left, five products added at once: one of them gets it.
    const candidates = await Promise.all([1, 2, 3, 4, 5].map(() => publishedProduct(catalog, vendor)));
    const answers = await Promise.all(
      candidates.map((product) =>
        catalog.client.request(ADD, { variables: { productId: product.id }, token: alice.token }),
      ),
    );
    expect(answers.filter((answer) => answer.errors === undefined)).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.errors !== undefined))
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'WISHLIST_FULL' });
    expect(await rowsOf(alice)).toHaveLength(WISHLIST_MAX_ITEMS);

    // Full: adding one already there is still a success, and removing one makes room.
    expect((await add(listed.id, alice)).product.inMyWishlist).toBe(true);
    await remove(listed.id, alice);
    expect((await add(candidates.find((_c, i) => answers[i].errors !== undefined)!.id, alice)).product).toMatchObject({
      inMyWishlist: true,
    });
  });

  it('keep one row when the same product is added concurrently', async () => {
    const product = await publishedProduct(catalog, vendor);
    const alice = shopper();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        catalog.client.request(ADD, { variables: { productId: product.id }, token: alice.token }),
      ),
    );
    expect(answers.map((answer) => answer.errors)).toEqual(Array(8).fill(undefined));
    expect(await rowsOf(alice)).toEqual([{ product_id: uuidOf(product.id) }]);
  });
});

describe('User.wishlist', () => {
  it('pages newest first, and keeps an archived product or one of a suspended vendor listed as unavailable', async () => {
    const seller = await addVendor(catalog);
    const products = [];
    for (let i = 0; i < 5; i += 1) products.push(await publishedProduct(catalog, seller));
    const alice = shopper();
    for (const product of products) await add(product.id, alice);
    await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: products[1].id }, token: seller.token });

    const seen: { product: { id: string; status: string }; available: boolean }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const answer = await wishlistOf(alice.id, alice.token, { first: 2, after });
      expect(answer.errors).toBeUndefined();
      const list = answer.data!._entities[0].wishlist;
      expect(list.totalCount).toBe(5);
      expect(list.pageInfo).toMatchObject({ hasNextPage: page < 2, hasPreviousPage: after !== null });
      seen.push(...list.edges.map((edge: { node: (typeof seen)[number] }) => edge.node));
      after = list.pageInfo.endCursor;
    }
    expect(seen.map((item) => item.product.id)).toEqual(products.map((p) => p.id).reverse());
    expect(seen.map((item) => item.available)).toEqual([true, true, true, false, true]);
    expect(seen[3].product.status).toBe('ARCHIVED');

    // The vendor suspended: every product stays listed, none available.
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    const { data } = await wishlistOf(alice.id, alice.token, { first: 10 });
    expect(
      data!._entities[0].wishlist.edges.map((edge: { node: { available: boolean } }) => edge.node.available),
    ).toEqual([false, false, false, false, false]);
  });

  it('answers a bad cursor with BAD_USER_INPUT', async () => {
    const alice = shopper();
    const answer = await wishlistOf(alice.id, alice.token, { after: 'bm9wZQ' });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each<[string, (owner: Shopper) => string | undefined, string]>([
    ['anonymous viewers', () => undefined, 'UNAUTHENTICATED'],
    ['another user', () => shopper().token, 'FORBIDDEN'],
    ['an admin', () => admin(), 'FORBIDDEN'],
  ])('is null with an error for %s', async (_who, tokenOf, code) => {
    const alice = shopper();
    await add((await publishedProduct(catalog, vendor)).id, alice);
    const answer = await wishlistOf(alice.id, tokenOf(alice));
    expect(answer.data?._entities).toEqual([{ wishlist: null }]);
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([code]);
  });
});

describe('Product.inMyWishlist and Product.wishlistCount', () => {
  it('answer per viewer and in public, with one statement each for a whole list of products', async () => {
    const products = await Promise.all([1, 2, 3].map(() => publishedProduct(catalog, vendor)));
    const [alice, bob] = [shopper(), shopper()];
    await add(products[0].id, alice);
    await add(products[0].id, bob);
    await add(products[1].id, bob);

    const MANY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id inMyWishlist wishlistCount } } }`;
    const r = products.map((product) => ({ __typename: 'Product', id: product.id }));
    const marks = async (token?: string) => (await catalog.client.data(MANY, { variables: { r }, token }))._entities;
    expect(await marks(alice.token)).toEqual([
      { id: products[0].id, inMyWishlist: true, wishlistCount: 2 },
      { id: products[1].id, inMyWishlist: false, wishlistCount: 1 },
      { id: products[2].id, inMyWishlist: false, wishlistCount: 0 },
    ]);
    expect((await marks(bob.token)).map((p: { inMyWishlist: boolean }) => p.inMyWishlist)).toEqual([true, true, false]);
    expect((await marks()).map((p: { inMyWishlist: boolean }) => p.inMyWishlist)).toEqual([false, false, false]);

    const { statements } = await sqlDuring(catalog, () => marks(bob.token));
    expect(statements.filter((sql) => sql.includes('wishlist_items'))).toHaveLength(2);
  });

  it('never declares inMyWishlist shareable (no-store for every viewer); wishlistCount is public data', async () => {
    const product = await publishedProduct(catalog, vendor);
    const r = [{ __typename: 'Product', id: product.id }];
    const count = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id wishlistCount } } }`;
    const mine = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id inMyWishlist } } }`;
    const cacheControl = async (query: string, token?: string) =>
      (await catalog.client.request(query, { variables: { r }, token })).headers.get('cache-control');
    for (const token of [undefined, shopper().token]) {
      expect(await cacheControl(count, token)).toMatch(/public/);
      expect(await cacheControl(mine, token)).toBe('no-store');
    }
  });
});
