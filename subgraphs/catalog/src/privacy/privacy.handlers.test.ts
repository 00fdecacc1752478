import { randomUUID } from 'node:crypto';
import { Events, PayloadOf, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, outboxOf, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { ADD_REVIEW, TestVendor, addVendor, licensedCustomer, publishedProduct, startCatalog } from '../testing';

/** catalog's share of a data export (reviews), and its erasure: ratings kept without text or author. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const rows = <T = Record<string, unknown>>(sql: string, parameters: unknown[]) =>
  queryRows<T>(catalog.subgraph.deps.db, sql, parameters);

async function reviewed(productId: string, body: string) {
  const customer = await licensedCustomer(catalog, productId);
  await catalog.client.data(ADD_REVIEW, { variables: { productId, rating: 5, body }, token: customer.token });
  return customer;
}

it("exports the user's reviews only, and erases them into anonymous ratings", async () => {
  const product = await publishedProduct(catalog, vendor);
  const alice = await reviewed(product.id, 'Alice: best agent ever');
  const bob = await reviewed(product.id, 'Bob: fine');

  const exportId = randomUUID();
  await deliverEvent(catalog, Events.UserDataExportRequested, { exportId, userId: alice.userId });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(catalog, exportId);
  expect(part.payload.subgraph).toBe('catalog');
  expect(part.payload.data.reviews).toEqual([expect.objectContaining({ rating: 5, body: 'Alice: best agent ever' })]);
  expect(JSON.stringify(part.payload)).not.toContain('Bob');

  const pseudonym = randomUUID();
  await deliverEvent(catalog, Events.UserErased, { userId: alice.userId, pseudonym });
  expect(
    await rows(`SELECT author_id, rating, body FROM reviews WHERE author_id IN ($1, $2)`, [alice.userId, pseudonym]),
  ).toEqual([{ author_id: pseudonym, rating: 5, body: null }]);
  expect(await rows(`SELECT owner_id FROM licenses WHERE owner_id = $1`, [alice.userId])).toEqual([]);
  expect(await rows(`SELECT body FROM reviews WHERE author_id = $1`, [bob.userId])).toEqual([{ body: 'Bob: fine' }]);
  // The product's rating still counts it.
  const { product: after } = await catalog.client.data(`query($id: ID!) { product(id: $id) { rating reviewCount } }`, {
    variables: { id: product.id },
  });
  expect(after).toEqual({ rating: 5, reviewCount: 2 });
});

it('refuses a review written for an erased user after the erasure', async () => {
  const product = await publishedProduct(catalog, vendor);
  const carol = await licensedCustomer(catalog, product.id);
  await deliverEvent(catalog, Events.UserErased, { userId: carol.userId, pseudonym: randomUUID() });
  // Their token still verifies in this test (no users subgraph ends it): the guard is the last line.
  const late = await catalog.client.request(ADD_REVIEW, {
    variables: { productId: product.id, rating: 1, body: 'too late' },
    token: carol.token,
  });
  expect(late.errors).toBeDefined();
  expect(await rows(`SELECT 1 FROM reviews WHERE author_id = $1`, [carol.userId])).toEqual([]);
});

it("anonymises an erased vendor's replica and takes it off the storefront", async () => {
  const other = await addVendor(catalog);
  await deliverEvent(catalog, Events.UserErased, { userId: other.userId, pseudonym: randomUUID() });
  const [replica] = await rows<{ display_name: string; slug: string; status: string; user_id: string }>(
    `SELECT display_name, slug, status, user_id FROM vendors WHERE id = $1`,
    [other.vendorId],
  );
  expect(replica).toMatchObject({ display_name: 'Deleted vendor', status: 'SUSPENDED' });
  expect(replica.slug).toMatch(/^deleted-/);
  expect(replica.user_id).not.toBe(other.userId);
});

it("exports the user's wishlist and deletes it on erasure, leaving others' wishlists", async () => {
  const product = await publishedProduct(catalog, vendor);
  const [dana, erin] = [randomUUID(), randomUUID()];
  const ADD = `mutation($productId: ID!) { addToWishlist(input: { productId: $productId }) { product { id } } }`;
  for (const userId of [dana, erin])
    await catalog.client.data(ADD, { variables: { productId: product.id }, token: tokenFor(userId, 'CUSTOMER') });

  const exportId = randomUUID();
  await deliverEvent(catalog, Events.UserDataExportRequested, { exportId, userId: dana });
  const [part] = await outboxOf<PayloadOf<typeof Events.UserDataExportPart>>(catalog, exportId);
  expect(part.payload.data.wishlist).toEqual([{ productId: uuidOf(product.id), addedAt: expect.any(String) }]);

  await deliverEvent(catalog, Events.UserErased, { userId: dana, pseudonym: randomUUID() });
  const holders = await rows<{ user_id: string }>(`SELECT user_id FROM wishlist_items WHERE product_id = $1`, [
    uuidOf(product.id),
  ]);
  expect(holders).toEqual([{ user_id: erin }]);
  // A request still carrying the erased user's token cannot bring the row back.
  const late = await catalog.client.request(ADD, {
    variables: { productId: product.id },
    token: tokenFor(dana, 'CUSTOMER'),
  });
  expect(late.errors).toBeDefined();
  expect(await rows(`SELECT 1 FROM wishlist_items WHERE user_id = $1`, [dana])).toEqual([]);
});
