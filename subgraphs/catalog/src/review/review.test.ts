import { randomUUID } from 'node:crypto';
import { TestSubgraph, tokenFor, globalId } from '@marketplace/kit/testing';
import {
  ADD_REVIEW,
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

const ADD = ADD_REVIEW;
const UPDATE = `mutation($id: ID!, $rating: Int, $body: String) { updateReview(input: { reviewId: $id, rating: $rating, body: $body }) { review { ${REVIEW_FIELDS} } product { id rating reviewCount } } }`;
const DELETE = `mutation($id: ID!) { deleteReview(input: { reviewId: $id }) { deletedReviewId product { id rating reviewCount } } }`;
const REVIEWS = `query($id: ID!, $first: Int, $after: String) {
  product(id: $id) { rating reviewCount reviews(first: $first, after: $after) { totalCount edges { cursor node { id rating body owner { id } } } pageInfo { hasNextPage endCursor } } }
}`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { id } } }`;

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

async function review(
  productId: string,
  who: TestCustomer,
  rating = 4,
  body = 'Does what it says.',
): Promise<ReviewShape> {
  return (
    await catalog.client.data<{ addReview: { review: ReviewShape } }>(ADD, {
      variables: { productId, rating, body },
      token: who.token,
    })
  ).addReview.review;
}

describe('addReview', () => {
  it("lets a license holder review a published product; the product's rating and count follow", async () => {
    const product = await publishedProduct(catalog, vendor);
    const alice = await licensedCustomer(catalog, product.id);
    const first = await review(product.id, alice, 5, '  Saved me hours.\nRecommended.  ');
    expect(first).toMatchObject({
      rating: 5,
      body: 'Saved me hours.\nRecommended.',
      owner: { id: alice.id },
      product: { id: product.id, rating: 5, reviewCount: 1 },
    });
    expect(first.updatedAt).toBe(first.createdAt);
    const second = await review(product.id, await licensedCustomer(catalog, product.id), 2, '');
    expect(second).toMatchObject({ body: null, product: { rating: 3.5, reviewCount: 2 } });
    const third = await review(product.id, await licensedCustomer(catalog, product.id), 4);
    expect(third.product).toEqual({ id: product.id, rating: 3.7, reviewCount: 3 }); // 11 / 3 = 3.67
  });

  it('accepts a rating without a body (omitted, null or blank: null) and the 4,000-character limit', async () => {
    const product = await publishedProduct(catalog, vendor);
    const { addReview } = await catalog.client.data(ADD, {
      variables: { productId: product.id, rating: 1 },
      token: (await licensedCustomer(catalog, product.id)).token,
    });
    expect(addReview.review.body).toBeNull();
    expect(addReview.product).toEqual({ id: product.id, rating: 1, reviewCount: 1 });
    for (const body of [null, '   '])
      expect(
        (
          await catalog.client.data(ADD, {
            variables: { productId: product.id, rating: 2, body },
            token: (await licensedCustomer(catalog, product.id)).token,
          })
        ).addReview.review.body,
      ).toBeNull();
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
      if (code === 'FORBIDDEN')
        expect(['LICENSE_REQUIRED', 'OWN_PRODUCT']).toContain(result.errors?.[0].extensions?.reason);
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
        extensions: { code: 'FORBIDDEN', reason: 'LICENSE_REQUIRED' },
      });
    });
  });

  describe('which products take reviews', () => {
    it('NOT_FOUND for an unknown product id', async () => {
      const holder = await licensedCustomer(catalog, randomUUID());
      expect(
        await catalog.client.errorCode(ADD, {
          variables: { productId: globalId('Product', randomUUID()), rating: 3 },
          token: holder.token,
        }),
      ).toBe('NOT_FOUND');
    });

    it.each(['not-a-uuid', '', "'; DROP TABLE reviews; --"])(
      'BAD_USER_INPUT for a malformed product id %#',
      async (productId) => {
        const holder = await licensedCustomer(catalog, randomUUID());
        const result = await catalog.client.request(ADD, { variables: { productId, rating: 3 }, token: holder.token });
        expect(result.errors?.[0].extensions).toEqual({
          code: 'BAD_USER_INPUT',
          fields: [
            { field: 'input.productId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' },
          ],
        });
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
        extensions: { code: 'FORBIDDEN', reason: 'REVIEWS_CLOSED' },
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
      extensions: { code: 'CONFLICT', reason: 'ALREADY_REVIEWED' },
    });
    expect((await catalog.client.data(REVIEWS, { variables: { id: product.id } })).product).toMatchObject({
      rating: 5,
      reviewCount: 1,
    });
  });

  it.each<[string, Record<string, unknown>, { field: string; message: string }[]]>([
    ['a rating of 0', { rating: 0 }, [{ field: 'input.rating', message: 'must be a whole number from 1 to 5' }]],
    ['a rating of 6', { rating: 6 }, [{ field: 'input.rating', message: 'must be a whole number from 1 to 5' }]],
    ['a negative rating', { rating: -3 }, [{ field: 'input.rating', message: 'must be a whole number from 1 to 5' }]],
    [
      'a body over 4,000 characters',
      { body: 'x'.repeat(4001) },
      [{ field: 'input.body', message: 'must be at most 4000 characters' }],
    ],
    [
      'control characters',
      { body: 'bell\u0007' },
      [{ field: 'input.body', message: 'must not contain control characters' }],
    ],
    [
      'both at once',
      { rating: 9, body: 'x'.repeat(5000) },
      [
        { field: 'input.rating', message: 'must be a whole number from 1 to 5' },
        { field: 'input.body', message: 'must be at most 4000 characters' },
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
        await catalog.client.errorCode(ADD, {
          variables: { productId: globalId('Product', randomUUID()), rating },
          token: customer(),
        }),
      ).toBe('BAD_USER_INPUT');
    }
  });
});

describe('updateReview', () => {
  it('lets the owner change stars and text; the rating follows, updatedAt moves, a no-op changes nothing', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author, 2, 'Meh.');
    await review(product.id, await licensedCustomer(catalog, product.id), 5);
    const { updateReview: payload } = await catalog.client.data<{
      updateReview: { review: ReviewShape; product: ReviewShape['product'] };
    }>(UPDATE, { variables: { id: written.id, rating: 4 }, token: author.token });
    const updateReview = payload.review;
    expect(updateReview).toMatchObject({ rating: 4, body: 'Meh.', product: { rating: 4.5, reviewCount: 2 } });
    expect(payload.product).toEqual({ id: product.id, rating: 4.5, reviewCount: 2 });
    expect(Date.parse(updateReview.updatedAt)).toBeGreaterThan(Date.parse(written.createdAt));
    const text = (
      await catalog.client.data(UPDATE, { variables: { id: written.id, body: ' Better now. ' }, token: author.token })
    ).updateReview.review;
    expect(text).toMatchObject({ rating: 4, body: 'Better now.', createdAt: written.createdAt });
    const same = (
      await catalog.client.data(UPDATE, {
        variables: { id: written.id, rating: 4, body: 'Better now.' },
        token: author.token,
      })
    ).updateReview.review;
    expect(same.updatedAt).toBe(text.updatedAt);
    // Null removes the text, and so does "": it reads null, never "".
    for (const body of [null, ''])
      expect(
        (await catalog.client.data(UPDATE, { variables: { id: written.id, body }, token: author.token })).updateReview
          .review,
      ).toMatchObject({ rating: 4, body: null });
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

  it('answers NOT_FOUND for unknown ids, BAD_USER_INPUT for malformed ids and bad values, FORBIDDEN once the product is archived', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author);
    expect(
      await catalog.client.errorCode(UPDATE, {
        variables: { id: globalId('Review', randomUUID()), rating: 3 },
        token: author.token,
      }),
    ).toBe('NOT_FOUND');
    expect(
      (await catalog.client.request(UPDATE, { variables: { id: 'nope', rating: 3 }, token: author.token })).errors?.[0]
        .extensions,
    ).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.reviewId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' }],
    });
    expect(
      (await catalog.client.request(UPDATE, { variables: { id: product.id, rating: 3 }, token: author.token }))
        .errors?.[0].extensions,
    ).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.reviewId', message: 'must be an id of type Review, not Product' }],
    });
    const bad = await catalog.client.request(UPDATE, {
      variables: { id: written.id, rating: 0, body: 'y'.repeat(4001) },
      token: author.token,
    });
    expect(bad.errors?.[0].extensions?.fields).toEqual([
      { field: 'input.rating', message: 'must be a whole number from 1 to 5' },
      { field: 'input.body', message: 'must be at most 4000 characters' },
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
    ['its owner', 'OK', (author) => author.token],
    ['an admin', 'OK', () => admin()],
  ])('%s → %s', async (_who, code, token) => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const written = await review(product.id, author, 1);
    await review(product.id, await licensedCustomer(catalog, product.id), 4);
    const result = await catalog.client.request(DELETE, { variables: { id: written.id }, token: token(author) });
    expect(codeOf(result)).toBe(code);
    const expected = code === 'OK' ? { rating: 4, reviewCount: 1 } : { rating: 2.5, reviewCount: 2 };
    if (code === 'OK')
      expect(result.data?.deleteReview).toEqual({
        deletedReviewId: written.id,
        product: { id: product.id, ...expected },
      });
    expect((await catalog.client.data(REVIEWS, { variables: { id: product.id } })).product).toMatchObject(expected);
  });

  it('lets the owner review again after deleting, and the last deletion brings the rating back to null', async () => {
    const product = await publishedProduct(catalog, vendor);
    const author = await licensedCustomer(catalog, product.id);
    const first = await review(product.id, author, 3);
    expect(
      (await catalog.client.data(DELETE, { variables: { id: first.id }, token: author.token })).deleteReview,
    ).toEqual({ deletedReviewId: first.id, product: { id: product.id, rating: null, reviewCount: 0 } });
    expect(await catalog.client.errorCode(DELETE, { variables: { id: first.id }, token: author.token })).toBe(
      'NOT_FOUND',
    );
    expect((await review(product.id, author, 5)).product).toMatchObject({ rating: 5, reviewCount: 1 });
  });
});
