import { randomUUID } from 'node:crypto';
import { Events, PRICE_DROP_USERS_PER_EVENT, PayloadOf } from '@marketplace/kit';
import { TestSubgraph, outboxOf, tokenFor, uuidOf } from '@marketplace/kit/testing';
import {
  ARCHIVE_PRODUCT,
  SUBMIT_PRODUCT,
  TestVendor,
  UPDATE_PRODUCT,
  addVendor,
  createProduct,
  publishedProduct,
  startCatalog,
} from '../testing';

/** product.price_dropped: recorded with the product's update, for the users whose wishlist holds it. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

type PriceDropped = PayloadOf<typeof Events.ProductPriceDropped>;
const ADD = `mutation($productId: ID!) { addToWishlist(input: { productId: $productId }) { product { id } } }`;

const drops = async (productId: string) =>
  (await outboxOf<PriceDropped>(catalog, uuidOf(productId))).filter((e) => e.type === 'product.price_dropped');

const setPrice = (productId: string, amount: number, currency = 'USD') =>
  catalog.client.data(UPDATE_PRODUCT, {
    variables: { input: { productId, price: { amount, currency } } },
    token: vendor.token,
  });

/** `count` users with the product on their wishlist, through the API. */
async function wishlisted(productId: string, count: number): Promise<string[]> {
  const userIds = Array.from({ length: count }, () => randomUUID());
  for (const userId of userIds)
    await catalog.client.data(ADD, { variables: { productId }, token: tokenFor(userId, 'CUSTOMER') });
  return userIds;
}

it('records one event naming every wishlister when a published product gets cheaper in the same currency', async () => {
  const product = await publishedProduct(catalog, vendor, { price: { amount: 2000, currency: 'USD' } });
  const userIds = await wishlisted(product.id, 3);
  await setPrice(product.id, 1500);
  const [event, ...more] = await drops(product.id);
  expect(more).toEqual([]);
  expect(event.payload).toEqual({
    productId: uuidOf(product.id),
    slug: product.slug,
    name: product.name,
    previousPrice: { amount: 2000, currency: 'USD' },
    price: { amount: 1500, currency: 'USD' },
    userIds: [...userIds].sort(),
  });
  // In the update's transaction, after its product.updated.
  const types = (await outboxOf(catalog, uuidOf(product.id))).map((e) => e.type);
  expect(types.slice(-2)).toEqual(['product.updated', 'product.price_dropped']);
});

it.each<[string, number, string]>([
  ['a raise', 2500, 'USD'],
  ['the same price', 2000, 'USD'],
  ['a lower amount in another currency', 1000, 'EUR'],
])('records none for %s', async (_what, amount, currency) => {
  const product = await publishedProduct(catalog, vendor, { price: { amount: 2000, currency: 'USD' } });
  await wishlisted(product.id, 2);
  await setPrice(product.id, amount, currency);
  expect(await drops(product.id)).toEqual([]);
});

it('records none for a product nobody wishlisted, nor for one that is not published', async () => {
  const lonely = await publishedProduct(catalog, vendor, { price: { amount: 2000, currency: 'USD' } });
  await setPrice(lonely.id, 1000);
  expect(await drops(lonely.id)).toEqual([]);

  // Drafts and products in review cannot be added through the API: their rows are written directly.
  for (const submit of [false, true]) {
    const draft = await createProduct(catalog, vendor, { price: { amount: 2000, currency: 'USD' } });
    if (submit) await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: draft.id }, token: vendor.token });
    await catalog.subgraph.deps.db.query(`INSERT INTO wishlist_items (user_id, product_id) VALUES ($1, $2)`, [
      randomUUID(),
      uuidOf(draft.id),
    ]);
    const { updateProduct } = await setPrice(draft.id, 1000);
    expect(updateProduct.product).toMatchObject({ status: submit ? 'IN_REVIEW' : 'DRAFT', price: { amount: 1000 } });
    expect(await drops(draft.id)).toEqual([]);
  }

  const archived = await publishedProduct(catalog, vendor);
  await wishlisted(archived.id, 1);
  await catalog.client.data(ARCHIVE_PRODUCT, { variables: { productId: archived.id }, token: vendor.token });
  expect(
    (
      await catalog.client.request(UPDATE_PRODUCT, {
        variables: { input: { productId: archived.id, price: { amount: 1, currency: 'USD' } } },
        token: vendor.token,
      })
    ).errors?.[0].extensions?.code,
  ).toBe('CONFLICT');
  expect(await drops(archived.id)).toEqual([]);
});

it(`splits more than ${PRICE_DROP_USERS_PER_EVENT} wishlisters into events of at most ${PRICE_DROP_USERS_PER_EVENT}`, async () => {
  const product = await publishedProduct(catalog, vendor, { price: { amount: 2000, currency: 'USD' } });
  const count = 2 * PRICE_DROP_USERS_PER_EVENT + 1;
  // Written directly: a thousand adds through the API would take a minute.
  await catalog.subgraph.deps.db.query(
    `INSERT INTO wishlist_items (user_id, product_id) SELECT gen_random_uuid(), $1 FROM generate_series(1, $2)`,
    [uuidOf(product.id), count],
  );
  await setPrice(product.id, 1999);
  const events = await drops(product.id);
  expect(events.map((e) => e.payload.userIds.length)).toEqual([
    PRICE_DROP_USERS_PER_EVENT,
    PRICE_DROP_USERS_PER_EVENT,
    1,
  ]);
  const everyone = events.flatMap((e) => e.payload.userIds);
  expect(new Set(everyone).size).toBe(count);
  for (const event of events) expect(Events.ProductPriceDropped.schema.safeParse(event.payload).success).toBe(true);
});
