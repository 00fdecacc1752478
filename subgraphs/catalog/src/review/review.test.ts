import { randomUUID } from 'node:crypto';
import { TestSubgraph, sqlDuring, tokenFor } from '@marketplace/kit/testing';
import {
  REVIEW_FIELDS,
  ReviewShape,
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

let catalog: TestSubgraph;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const ADD = `mutation($productId: ID!, $rating: Int!, $body: String) { addReview(productId: $productId, rating: $rating, body: $body) { ${REVIEW_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $rating: Int, $body: String) { updateReview(id: $id, rating: $rating, body: $body) { ${REVIEW_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteReview(id: $id) { id rating reviewCount } }`;
const REVIEWS = `query($id: ID!, $first: Int, $after: String) {
  product(id: $id) { rating reviewCount reviews(first: $first, after: $after) { totalCount edges { cursor node { id rating body author { id } } } pageInfo { hasNextPage endCursor } } }
}`;
/** The page of reviews REVIEWS answers, as the paging test walks it. */
interface ReviewsPage {
  reviews: {
    totalCount: number;
    edges: { node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const ARCHIVE = `mutation($id: ID!) { archiveProduct(id: $id) { id } }`;

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

async function review(
  productId: string,
  who: TestCustomer,
  rating = 4,
  body = 'Does what it says.',
): Promise<ReviewShape> {
  return (
    await catalog.client.data<{ addReview: ReviewShape }>(ADD, {
      variables: { productId, rating, body },
      token: who.token,
    })
  ).addReview;
}

describe('addReview', () => {
  it("lets a license holder review a published product; the product's rating and count follow", async () => {
    const product = await publishedProduct(catalog, vendor);
    const alice = await licensedCustomer(catalog, product.id);
    const first = await review(product.id, alice, 5, '  Saved me hours.\nRecommended.  ');
    expect(first).toMatchObject({
      rating: 5,
      body: 'Saved me hours.\nRecommended.',
      author: { id: alice.userId },
      product: { id: product.id, rating: 5, reviewCount: 1 },
    });
    expect(first.updatedAt).toBe(first.createdAt);
    const second = await review(product.id, await licensedCustomer(catalog, product.id), 2, '');
    expect(second).toMatchObject({ body: '', product: { rating: 3.5, reviewCount: 2 } });
    const third = await review(product.id, await licensedCustomer(catalog, product.id), 4);
    expect(third.product).toEqual({ id: product.id, rating: 3.7, reviewCount: 3 }); // 11 / 3 = 3.67
  });

  it('accepts a rating without a body (omitted) and the 4,000-character limit', async () => {
    const product = await publishedProduct(catalog, vendor);
    const { addReview } = await catalog.client.data(ADD, {
      variables: { productId: product.id, rating: 1 },
      token: (await licensedCustomer(catalog, product.id)).token,
    });
    expect(addReview.body).toBe('');
    const long = await review(product.id, await licensedCustomer(catalog, product.id), 3, 'b'.repeat(4000));
    expect(long.body).toHaveLength(4000);
  });

  describe('authorization', () => {
    it.each<[string, string, (productId: string) => Promise<string | undefined>]>([
      ['anonymous', 'UNAUTHENTICATED', async () => undefined],
      ['a customer without a license', 'FORBIDDEN', async () => customer()],
      [
        'a customer licensed for another product',
        'FORBIDDEN',
        async () => (await licensedCustomer(catalog, randomUUID())).token,
      ],
      ['an admin without a license', 'FORBIDDEN', async () => admin()],
      [
        "the product's vendor, even holding a license",
        'FORBIDDEN',
        async (productId) => (await licensedCustomer(catalog, productId, vendor.userId)) && vendor.token,
      ],
      ['a license holder', 'OK', async (productId) => (await licensedCustomer(catalog, productId)).token],
      [
        'an admin holding a license',
        'OK',
        async (productId) => {
          const userId = randomUUID();
          await licensedCustomer(catalog, productId, userId);
          return tokenFor(userId, 'ADMIN');
        },
      ],
    ])('%s → %s', async (_who, code, tokenOf) => {
      const product = await publishedProduct(catalog, vendor);
      const result = await catalog.client.request(ADD, {
        variables: { productId: product.id, rating: 4 },
        token: await tokenOf(product.id),
      });
      expect(codeOf(result)).toBe(code);
      if (code === 'FORBIDDEN') expect(result.errors?.[0].message).toMatch(/license|own products/);
      const { product: after } = await catalog.client.data(REVIEWS, { variables: { id: product.id } });
      expect(after.reviewCount).toBe(code === 'OK' ? 1 : 0);
    });

    it('says clearly why a customer without a license is refused', async () => {
      const product = await publishedProduct(catalog, vendor);
      const result = await catalog.client.request(ADD, {
        variables: { productId: product.id, rating: 4 },
        token: customer(),
      });
      expect(result.errors?.[0]).toMatchObject({
        message: 'Only customers holding a license for this product can review it',
        extensions: { code: 'FORBIDDEN' },
      });
    });
  });

  describe('which products take reviews', () => {
    it.each([randomUUID(), 'not-a-uuid', '', "'; DROP TABLE reviews; --"])(
      'NOT_FOUND for an unknown or malformed product id %#',
      async (productId) => {
        const holder = await licensedCustomer(catalog, randomUUID());
        expect(await catalog.client.errorCode(ADD, { variables: { productId, rating: 3 }, token: holder.token })).toBe(
          'NOT_FOUND',
        );
      },
    );

    it('NOT_FOUND for a draft, even with a license', async () => {
      const draft = await createProduct(catalog, vendor);
      const holder = await licensedCustomer(catalog, draft.id);
      expect(
        await catalog.client.errorCode(ADD, { variables: { productId: draft.id, rating: 3 }, token: holder.token }),
      ).toBe('NOT_FOUND');
    });

    it('FORBIDDEN once archived or while its vendor is suspended', async () => {
      const seller = await addVendor(catalog);
      const archived = await publishedProduct(catalog, seller);
      const suspended = await publishedProduct(catalog, seller);
      const holder = await licensedCustomer(catalog, archived.id);
      await licensedCustomer(catalog, suspended.id, holder.userId);
      await catalog.client.data(ARCHIVE, { variables: { id: archived.id }, token: seller.token });
      const closed = await catalog.client.request(ADD, {
        variables: { productId: archived.id, rating: 3 },
        token: holder.token,
      });
      expect(closed.errors?.[0]).toMatchObject({
        message: 'Reviews are closed: the product is not in the storefront',
        extensions: { code: 'FORBIDDEN' },
      });
      await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
      expect(
        await catalog.client.errorCode(ADD, { variables: { productId: suspended.id, rating: 3 }, token: holder.token }),
      ).toBe('FORBIDDEN');
      await setVendorStatus(catalog, seller.vendorId, 'ACTIVE');
      expect((await review(suspended.id, holder)).product.reviewCount).toBe(1);
    });
  });

  it('refuses a second review of one product by one customer with CONFLICT', async () => {
    const product = await publishedProduct(catalog, vendor);
    const holder = await licensedCustomer(catalog, product.id);
    await review(product.id, holder, 5);
    const again = await catalog.client.request(ADD, {
      variables: { productId: product.id, rating: 1 },
      token: holder.token,
    });
    expect(again.errors?.[0]).toMatchObject({
      message: 'You have already reviewed this product',
      extensions: { code: 'CONFLICT', field: 'productId' },
    });
    expect((await catalog.client.data(REVIEWS, { variables: { id: product.id } })).product).toMatchObject({
      rating: 5,
      reviewCount: 1,
    });
  });

  it.each<[string, Record<string, unknown>, { field: string; message: string }[]]>([
    ['a rating of 0', { rating: 0 }, [{ field: 'rating', message: 'must be a whole number from 1 to 5' }]],
    ['a rating of 6', { rating: 6 }, [{ field: 'rating', message: 'must be a whole number from 1 to 5' }]],
    ['a negative rating', { rating: -3 }, [{ field: 'rating', message: 'must be a whole number from 1 to 5' }]],
    [
      'a body over 4,000 characters',
      { body: 'x'.repeat(4001) },
      [{ field: 'body', message: 'must be at most 4000 characters' }],
    ],
    ['control characters', { body: 'bell\u0007' }, [{ field: 'body', message: 'must not contain control characters' }]],
    [
      'both at once',
      { rating: 9, body: 'x'.repeat(5000) },
      [
        { field: 'rating', message: 'must be a whole number from 1 to 5' },
        { field: 'body', message: 'must be at most 4000 characters' },
      ],
    ],
  ])('refuses %s as BAD_USER_INPUT listing each field', async (_label, overrides, fields) => {
    const product = await publishedProduct(catalog, vendor);
    const holder = await licensedCustomer(catalog, product.id);
    const result = await catalog.client.request(ADD, {
      variables: { productId: product.id, rating: 4, body: 'ok', ...overrides },
      token: holder.token,
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields });
  });

  it('refuses a rating that is not an Int before any resolver runs', async () => {
    for (const rating of [4.5, '5', null]) {
      expect(
        await catalog.client.errorCode(ADD, { variables: { productId: randomUUID(), rating }, token: customer() }),
      ).toBe('BAD_USER_INPUT');
    }
  });
});

describe('updateReview', () => {
  it('lets the author change stars and text; the rating follows, updatedAt moves, a no-op changes nothing', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author, 2, 'Meh.');
    await review(product.id, await licensedCustomer(catalog, product.id), 5);
    const { updateReview } = await catalog.client.data<{ updateReview: ReviewShape }>(UPDATE, {
      variables: { id: written.id, rating: 4 },
      token: author.token,
    });
    expect(updateReview).toMatchObject({ rating: 4, body: 'Meh.', product: { rating: 4.5, reviewCount: 2 } });
    expect(Date.parse(updateReview.updatedAt)).toBeGreaterThan(Date.parse(written.createdAt));
    const text = (
      await catalog.client.data(UPDATE, { variables: { id: written.id, body: ' Better now. ' }, token: author.token })
    ).updateReview;
    expect(text).toMatchObject({ rating: 4, body: 'Better now.', createdAt: written.createdAt });
    const same = (
      await catalog.client.data(UPDATE, {
        variables: { id: written.id, rating: 4, body: 'Better now.' },
        token: author.token,
      })
    ).updateReview;
    expect(same.updatedAt).toBe(text.updatedAt);
  });

  it.each<[string, string, () => string | undefined]>([
    ['anonymous', 'UNAUTHENTICATED', () => undefined],
    ['another customer', 'FORBIDDEN', customer],
    ['an admin', 'FORBIDDEN', admin],
    ["the product's vendor", 'FORBIDDEN', () => vendor.token],
  ])('refuses %s with %s and changes nothing', async (_who, code, token) => {
    const product = await publishedProduct(catalog, vendor);
    const written = await review(product.id, await licensedCustomer(catalog, product.id), 5, 'Original');
    expect(
      await catalog.client.errorCode(UPDATE, {
        variables: { id: written.id, rating: 1, body: 'Hijacked' },
        token: token(),
      }),
    ).toBe(code);
    const { product: after } = await catalog.client.data(REVIEWS, { variables: { id: product.id } });
    expect(after).toMatchObject({ rating: 5, reviews: { edges: [{ node: { rating: 5, body: 'Original' } }] } });
  });

  it('answers NOT_FOUND for unknown and malformed ids, BAD_USER_INPUT for bad values, FORBIDDEN once the product is archived', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author);
    for (const id of [randomUUID(), 'nope'])
      expect(await catalog.client.errorCode(UPDATE, { variables: { id, rating: 3 }, token: author.token })).toBe(
        'NOT_FOUND',
      );
    const bad = await catalog.client.request(UPDATE, {
      variables: { id: written.id, rating: 0, body: 'y'.repeat(4001) },
      token: author.token,
    });
    expect(bad.errors?.[0].extensions?.fields).toEqual([
      { field: 'rating', message: 'must be a whole number from 1 to 5' },
      { field: 'body', message: 'must be at most 4000 characters' },
    ]);
    await catalog.client.data(ARCHIVE, { variables: { id: product.id }, token: vendor.token });
    expect(
      await catalog.client.errorCode(UPDATE, { variables: { id: written.id, rating: 3 }, token: author.token }),
    ).toBe('FORBIDDEN');
  });
});

describe('deleteReview', () => {
  it.each<[string, string, (author: TestCustomer) => string | undefined]>([
    ['anonymous', 'UNAUTHENTICATED', () => undefined],
    ['another customer', 'FORBIDDEN', () => customer()],
    ["the product's vendor", 'FORBIDDEN', () => vendor.token],
    ['its author', 'OK', (author) => author.token],
    ['an admin', 'OK', () => admin()],
  ])('%s → %s', async (_who, code, token) => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author, 1);
    await review(product.id, await licensedCustomer(catalog, product.id), 4);
    const result = await catalog.client.request(DELETE, { variables: { id: written.id }, token: token(author) });
    expect(codeOf(result)).toBe(code);
    const expected = code === 'OK' ? { rating: 4, reviewCount: 1 } : { rating: 2.5, reviewCount: 2 };
    if (code === 'OK') expect(result.data?.deleteReview).toEqual({ id: product.id, ...expected });
    expect((await catalog.client.data(REVIEWS, { variables: { id: product.id } })).product).toMatchObject(expected);
  });

  it('lets the author review again after deleting, and the last deletion brings the rating back to null', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const first = await review(product.id, author, 3);
    expect(
      (await catalog.client.data(DELETE, { variables: { id: first.id }, token: author.token })).deleteReview,
    ).toEqual({ id: product.id, rating: null, reviewCount: 0 });
    expect(await catalog.client.errorCode(DELETE, { variables: { id: first.id }, token: author.token })).toBe(
      'NOT_FOUND',
    );
    expect((await review(product.id, author, 5)).product).toMatchObject({ rating: 5, reviewCount: 1 });
  });
});

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
      author: { id: expect.any(String) },
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

  it('resolves Review.author as a User reference and Review.product', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author);
    expect(written.author).toEqual({ id: author.userId });
    const users = await catalog.client.data(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`,
      { variables: { r: [{ __typename: 'User', id: author.userId }] } },
    );
    expect(users._entities).toEqual([{ id: author.userId }]);
  });
});
