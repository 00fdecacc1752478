import { queryRows } from '@marketplace/kit';
import { TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import {
  TestCustomer,
  TestVendor,
  addVendor,
  admin,
  licensedCustomer,
  publishedProduct,
  startCatalog,
} from '../testing';

/** The product's rating and count stay exactly what the reviews table says, whatever runs at once. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ADD = `mutation($productId: ID!, $rating: Int!) { addReview(input: { productId: $productId, rating: $rating }) { review { id } } }`;
const UPDATE = `mutation($id: ID!, $rating: Int) { updateReview(input: { reviewId: $id, rating: $rating }) { review { id } } }`;
const DELETE = `mutation($id: ID!) { deleteReview(input: { reviewId: $id }) { deletedReviewId } }`;
const PRODUCT = `query($id: ID!) { product(id: $id) { rating reviewCount reviews(first: 100) { totalCount } } }`;
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

const customers = (productId: string, n: number) =>
  Promise.all(Array.from({ length: n }, () => licensedCustomer(catalog, productId)));

/** What the table says, computed independently of the service. */
async function fromTable(productId: string) {
  const [row] = await queryRows<{ count: number; average: string | null }>(
    catalog.subgraph.deps.db,
    `SELECT count(*)::int AS count, round(avg(rating), 1)::text AS average FROM reviews WHERE product_id = $1`,
    [uuidOf(productId)],
  );
  return { reviewCount: row.count, rating: row.average === null ? null : Number(row.average) };
}

it('20 customers reviewing at once: count 20 and the exact average', async () => {
  const product = await publishedProduct(catalog, vendor);
  const ratings = [...Array(13).fill(5), ...Array(4).fill(4), 3, 3, 1]; // 88 / 20 = 4.4
  const holders = await customers(product.id, ratings.length);
  const results = await Promise.all(
    holders.map((holder, i) =>
      catalog.client.request(ADD, { variables: { productId: product.id, rating: ratings[i] }, token: holder.token }),
    ),
  );
  expect(results.map(codeOf)).toEqual(Array(20).fill('OK'));
  const { product: after } = await catalog.client.data(PRODUCT, { variables: { id: product.id } });
  expect(after).toEqual({ rating: 4.4, reviewCount: 20, reviews: { totalCount: 20 } });
  expect(await fromTable(product.id)).toEqual({ rating: 4.4, reviewCount: 20 });
});

it('one customer submitting ten times at once gets exactly one review', async () => {
  const product = await publishedProduct(catalog, vendor);
  const [holder] = await customers(product.id, 1);
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      catalog.client.request(ADD, { variables: { productId: product.id, rating: (i % 5) + 1 }, token: holder.token }),
    ),
  );
  expect(results.map(codeOf).sort()).toEqual([...Array(9).fill('CONFLICT'), 'OK']);
  const { product: after } = await catalog.client.data(PRODUCT, { variables: { id: product.id } });
  expect(after.reviewCount).toBe(1);
  expect(await fromTable(product.id)).toEqual({ reviewCount: 1, rating: after.rating });
});

it('adds, updates and deletes racing each other leave the aggregate equal to the table', async () => {
  const product = await publishedProduct(catalog, vendor);
  const existing: { holder: TestCustomer; id: string }[] = [];
  for (const holder of await customers(product.id, 10)) {
    const { addReview } = await catalog.client.data(ADD, {
      variables: { productId: product.id, rating: 3 },
      token: holder.token,
    });
    existing.push({ holder, id: addReview.review.id });
  }
  const newcomers = await customers(product.id, 6);
  const work = [
    ...existing
      .slice(0, 5)
      .map(({ holder, id }, i) =>
        catalog.client.request(UPDATE, { variables: { id, rating: i % 2 ? 5 : 1 }, token: holder.token }),
      ),
    ...existing
      .slice(5)
      .map(({ holder, id }, i) =>
        catalog.client.request(DELETE, { variables: { id }, token: i % 2 ? holder.token : admin() }),
      ),
    ...newcomers.map((holder, i) =>
      catalog.client.request(ADD, { variables: { productId: product.id, rating: (i % 5) + 1 }, token: holder.token }),
    ),
  ];
  expect((await Promise.all(work)).map(codeOf)).toEqual(Array(16).fill('OK'));
  const { product: after } = await catalog.client.data(PRODUCT, { variables: { id: product.id } });
  const table = await fromTable(product.id);
  expect(table.reviewCount).toBe(11);
  expect({ rating: after.rating, reviewCount: after.reviewCount }).toEqual(table);
});

it('the owner and an admin deleting one review at once: one succeeds, the other finds nothing', async () => {
  const product = await publishedProduct(catalog, vendor);
  const [holder] = await customers(product.id, 1);
  const { addReview } = await catalog.client.data(ADD, {
    variables: { productId: product.id, rating: 2 },
    token: holder.token,
  });
  const results = await Promise.all(
    [holder.token, admin()].map((token) =>
      catalog.client.request(DELETE, { variables: { id: addReview.review.id }, token }),
    ),
  );
  expect(results.map(codeOf).sort()).toEqual(['NOT_FOUND', 'OK']);
  expect(await fromTable(product.id)).toEqual({ reviewCount: 0, rating: null });
  expect((await catalog.client.data(PRODUCT, { variables: { id: product.id } })).product).toMatchObject({
    rating: null,
    reviewCount: 0,
  });
});
