import { randomUUID } from 'node:crypto';
import { TestSubgraph, sqlDuring } from '@marketplace/kit/testing';
import {
  ADD_REVIEW,
  ReviewShape,
  TestCustomer,
  TestVendor,
  addVendor,
  licensedCustomer,
  publishedProduct,
  startCatalog,
} from '../testing';

/** Product.reviews pages, and the references a review points at. */
let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const REVIEWS = `query($id: ID!, $first: Int, $after: String) {
  product(id: $id) { rating reviewCount reviews(first: $first, after: $after) { totalCount edges { cursor node { id rating body owner { id } } } pageInfo { hasNextPage endCursor } } }
}`;
/** The page of reviews REVIEWS answers, as the paging test walks it. */
interface ReviewsPage {
  reviews: {
    totalCount: number;
    edges: { node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function review(
  productId: string,
  who: TestCustomer,
  rating = 4,
  body = 'Does what it says.',
): Promise<ReviewShape> {
  return (
    await catalog.client.data<{ addReview: { review: ReviewShape } }>(ADD_REVIEW, {
      variables: { productId, rating, body },
      token: who.token,
    })
  ).addReview.review;
}

describe('Product.reviews', () => {
  it('pages newest first with cursors and a total; anyone who can see the product sees them', async () => {
    const product = await publishedProduct(catalog, vendor);
    const written: ReviewShape[] = [];
    for (let i = 0; i < 5; i += 1)
      written.push(await review(product.id, await licensedCustomer(catalog, product.id), (i % 5) + 1, `Review ${i}`));
    const newestFirst = written.map((r) => r.id).reverse();
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 3; pages += 1) {
      const { product: page }: { product: ReviewsPage } = await catalog.client.data(REVIEWS, {
        variables: { id: product.id, first: 2, after },
      });
      expect(page.reviews.totalCount).toBe(5);
      seen.push(...page.reviews.edges.map((e) => e.node.id));
      expect(page.reviews.pageInfo.hasNextPage).toBe(pages < 2);
      after = page.reviews.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);
    const { product: all } = await catalog.client.data(REVIEWS, { variables: { id: product.id } });
    expect(all).toMatchObject({ rating: 3, reviewCount: 5 });
    expect(all.reviews.edges[0].node).toEqual({
      id: written[4].id,
      rating: 5,
      body: 'Review 4',
      owner: { id: expect.any(String) },
    });
  });

  it.each([
    'garbage',
    Buffer.from(JSON.stringify(['REVIEW', '0000-01-01T00:00:00.000Z', randomUUID()])).toString('base64url'),
    Buffer.from(JSON.stringify(['VENDOR', new Date().toISOString(), randomUUID()])).toString('base64url'),
  ])('refuses a forged cursor as BAD_USER_INPUT %#', async (after) => {
    const product = await publishedProduct(catalog, vendor);
    expect(await catalog.client.errorCode(REVIEWS, { variables: { id: product.id, after } })).toBe('BAD_USER_INPUT');
  });

  it('loads the reviews of many products in one statement', async () => {
    const products = await Promise.all(Array.from({ length: 4 }, () => publishedProduct(catalog, vendor)));
    for (const product of products.slice(0, 3)) await review(product.id, await licensedCustomer(catalog, product.id));
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id reviews(first: 5) { totalCount edges { node { rating } } } } } }`;
    const { result, statements } = await sqlDuring(catalog, () =>
      catalog.client.data(query, { variables: { r: products.map((p) => ({ __typename: 'Product', id: p.id })) } }),
    );
    expect(result._entities.map((e: { reviews: { totalCount: number } }) => e.reviews.totalCount)).toEqual([
      1, 1, 1, 0,
    ]);
    expect(statements.filter((sql) => /\breviews\b/.test(sql))).toHaveLength(1);
  });

  it('resolves Review.owner as a User reference and Review.product', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author);
    expect(written.owner).toEqual({ id: author.id });
    const users = await catalog.client.data(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`,
      { variables: { r: [{ __typename: 'User', id: author.id }] } },
    );
    expect(users._entities).toEqual([{ id: author.id }]);
  });
});
