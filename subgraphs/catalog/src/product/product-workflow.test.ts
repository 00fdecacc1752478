import { randomUUID } from 'node:crypto';
import { TestSubgraph, uuidOf, globalId } from '@marketplace/kit/testing';
import {
  CATEGORY_IDS,
  PRODUCT_FIELDS,
  ProductShape,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
  domainEventsOf,
  publishedProduct,
  setVendorStatus,
  startCatalog,
} from '../testing';

let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const SUBMIT = `mutation($id: ID!) { submitProductForReview(input: { productId: $id }) { product { ${PRODUCT_FIELDS} } } }`;
const APPROVE = `mutation($id: ID!) { approveProduct(input: { productId: $id }) { product { ${PRODUCT_FIELDS} } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectProduct(input: { productId: $id, reason: $reason }) { product { ${PRODUCT_FIELDS} } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveProduct(input: { productId: $id }) { product { ${PRODUCT_FIELDS} } } }`;
const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;

type Who = 'anonymous' | 'customer' | 'owner' | 'other vendor' | 'admin';
const tokenOf = (who: Who) =>
  ({
    anonymous: undefined,
    customer: customer(),
    owner: vendor.token,
    'other vendor': otherVendor.token,
    admin: admin(),
  })[who];

/** Runs a mutation; `data` holds each payload's product. */
async function run(mutation: string, variables: Record<string, unknown>, who: Who) {
  const result = await catalog.client.request<Record<string, { product: ProductShape } | null>>(mutation, {
    variables,
    token: tokenOf(who),
  });
  const products = result.data
    ? Object.fromEntries(Object.entries(result.data).map(([name, payload]) => [name, payload?.product]))
    : result.data;
  return { ...result, data: products as Record<string, ProductShape> | null | undefined };
}
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';

async function inReview(owner = vendor): Promise<ProductShape> {
  const product = await createProduct(catalog, owner);
  await catalog.client.data(SUBMIT, { variables: { id: product.id }, token: owner.token });
  return product;
}

describe('authorization', () => {
  const matrix: [
    string,
    string,
    (id: string) => Record<string, unknown>,
    () => Promise<ProductShape>,
    Record<Who, string>,
  ][] = [
    [
      'submitProductForReview',
      SUBMIT,
      (id) => ({ id }),
      () => createProduct(catalog, vendor),
      // A draft is hidden from all but its vendor and admins: the others are told it does not exist.
      {
        anonymous: 'UNAUTHENTICATED',
        customer: 'NOT_FOUND',
        'other vendor': 'NOT_FOUND',
        admin: 'FORBIDDEN',
        owner: 'OK',
      },
    ],
    [
      'approveProduct',
      APPROVE,
      (id) => ({ id }),
      () => inReview(),
      {
        anonymous: 'UNAUTHENTICATED',
        customer: 'FORBIDDEN',
        'other vendor': 'FORBIDDEN',
        owner: 'FORBIDDEN',
        admin: 'OK',
      },
    ],
    [
      'rejectProduct',
      REJECT,
      (id) => ({ id, reason: 'Needs screenshots' }),
      () => inReview(),
      {
        anonymous: 'UNAUTHENTICATED',
        customer: 'FORBIDDEN',
        'other vendor': 'FORBIDDEN',
        owner: 'FORBIDDEN',
        admin: 'OK',
      },
    ],
    [
      'archiveProduct',
      ARCHIVE,
      (id) => ({ id }),
      () => publishedProduct(catalog, vendor),
      { anonymous: 'UNAUTHENTICATED', customer: 'FORBIDDEN', 'other vendor': 'FORBIDDEN', owner: 'OK', admin: 'OK' },
    ],
    [
      'archiveProduct (a draft)',
      ARCHIVE,
      (id) => ({ id }),
      () => createProduct(catalog, vendor),
      { anonymous: 'UNAUTHENTICATED', customer: 'NOT_FOUND', 'other vendor': 'NOT_FOUND', owner: 'OK', admin: 'OK' },
    ],
  ];
  for (const [name, mutation, variables, prepare, expected] of matrix) {
    it.each(Object.entries(expected) as [Who, string][])(`${name}: %s → %s`, async (who, code) => {
      const product = await prepare();
      const result = await run(mutation, variables(product.id), who);
      expect(codeOf(result)).toBe(code);
      if (code !== 'OK') {
        expect(Object.values(result.data ?? {})).toEqual([undefined]);
        const { product: after } = await catalog.client.data(PRODUCT, {
          variables: { id: product.id },
          token: admin(),
        });
        expect(after.revision).toBe(product.revision + (name === 'approveProduct' || name === 'rejectProduct' ? 1 : 0));
      }
    });
  }

  it.each([SUBMIT, APPROVE, ARCHIVE])(
    'answers NOT_FOUND for unknown ids and BAD_USER_INPUT for malformed ones %#',
    async (mutation) => {
      const token = mutation === SUBMIT ? vendor.token : admin();
      expect(
        await catalog.client.errorCode(mutation, { variables: { id: globalId('Product', randomUUID()) }, token }),
      ).toBe('NOT_FOUND');
      const malformed = await catalog.client.request(mutation, { variables: { id: 'nope' }, token });
      expect(malformed.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'input.productId', message: 'must be a global id (`<Type>:<uuid>`, as the API answered it)' },
        ],
      });
      const wrongType = await catalog.client.request(mutation, {
        variables: { id: globalId('Order', randomUUID()) },
        token,
      });
      expect(wrongType.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.productId', message: 'must be an id of type Product, not Order' }],
      });
    },
  );
});

describe('transitions', () => {
  it('DRAFT → IN_REVIEW → PUBLISHED, one version per change, published time stamped once', async () => {
    const product = await createProduct(catalog, vendor);
    const submitted = (await run(SUBMIT, { id: product.id }, 'owner')).data!.submitProductForReview;
    expect(submitted).toMatchObject({ status: 'IN_REVIEW', revision: 2, publishedAt: null });
    const approved = (await run(APPROVE, { id: product.id }, 'admin')).data!.approveProduct;
    expect(approved).toMatchObject({ status: 'PUBLISHED', revision: 3 });
    expect(Date.parse(approved.publishedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await catalog.client.data(PRODUCT, { variables: { id: product.id } })).product).toEqual(approved);
  });

  it('IN_REVIEW → REJECTED with a reason only its vendor and admins read → IN_REVIEW again (reason cleared) → PUBLISHED', async () => {
    const product = await inReview();
    const rejected = (await run(REJECT, { id: product.id, reason: '  Add a clearer description.  ' }, 'admin')).data!
      .rejectProduct;
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'Add a clearer description.' });
    expect(
      (await catalog.client.data(PRODUCT, { variables: { id: product.id }, token: vendor.token })).product
        .rejectionReason,
    ).toBe('Add a clearer description.');
    expect(
      await catalog.client.request(PRODUCT, { variables: { id: product.id }, token: otherVendor.token }),
    ).toMatchObject({
      data: { product: null },
      errors: undefined,
    });
    const again = (await run(SUBMIT, { id: product.id }, 'owner')).data!.submitProductForReview;
    expect(again).toMatchObject({ status: 'IN_REVIEW', rejectionReason: null });
    expect((await run(APPROVE, { id: product.id }, 'admin')).data!.approveProduct.status).toBe('PUBLISHED');
  });

  it('shows the rejection reason to nobody else, whoever asks', async () => {
    const product = await inReview();
    await run(REJECT, { id: product.id, reason: 'Private note' }, 'admin');
    const PRIVATE = `query($id: ID!) { product(id: $id) { rejectionReason } }`;
    expect(
      (await catalog.client.data(PRIVATE, { variables: { id: product.id }, token: admin() })).product.rejectionReason,
    ).toBe('Private note');
    expect((await catalog.client.request(PRIVATE, { variables: { id: product.id }, token: customer() })).data).toEqual({
      product: null,
    });
  });

  it.each<[string, () => Promise<ProductShape>, string, Who, string]>([
    ['submit an IN_REVIEW product', () => inReview(), SUBMIT, 'owner', 'IN_REVIEW'],
    ['submit a PUBLISHED product', () => publishedProduct(catalog, vendor), SUBMIT, 'owner', 'PUBLISHED'],
    ['approve a DRAFT', () => createProduct(catalog, vendor), APPROVE, 'admin', 'DRAFT'],
    ['approve a PUBLISHED product', () => publishedProduct(catalog, vendor), APPROVE, 'admin', 'PUBLISHED'],
    ['reject a DRAFT', () => createProduct(catalog, vendor), REJECT, 'admin', 'DRAFT'],
    ['reject a PUBLISHED product', () => publishedProduct(catalog, vendor), REJECT, 'admin', 'PUBLISHED'],
  ])(
    'refuses to %s with CONFLICT (INVALID_STATUS) naming the status',
    async (_label, prepare, mutation, who, status) => {
      const product = await prepare();
      const result = await run(mutation, { id: product.id, reason: 'r' }, who);
      expect(result.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect(result.errors?.[0].message).toContain(status);
    },
  );

  it('archives from every status but ARCHIVED, which is final', async () => {
    const rejected = await inReview();
    await run(REJECT, { id: rejected.id, reason: 'no' }, 'admin');
    for (const product of [
      await createProduct(catalog, vendor),
      await inReview(),
      rejected,
      await publishedProduct(catalog, vendor),
    ]) {
      expect((await run(ARCHIVE, { id: product.id }, 'owner')).data!.archiveProduct.status).toBe('ARCHIVED');
      for (const [mutation, who] of [
        [ARCHIVE, 'admin'],
        [SUBMIT, 'owner'],
        [APPROVE, 'admin'],
      ] as const) {
        expect((await run(mutation, { id: product.id }, who)).errors?.[0].extensions).toEqual({
          code: 'CONFLICT',
          reason: 'PRODUCT_ARCHIVED',
        });
      }
    }
  });

  it('takes archived products out of the storefront', async () => {
    const product = await publishedProduct(catalog, vendor);
    await run(ARCHIVE, { id: product.id }, 'admin');
    expect(await catalog.client.request(PRODUCT, { variables: { id: product.id } })).toMatchObject({
      data: { product: null },
      errors: undefined,
    });
  });

  it('wants a reason of 1 to 1,000 characters', async () => {
    const product = await inReview();
    for (const reason of ['', '   ', 'r'.repeat(1001)]) {
      const result = await run(REJECT, { id: product.id, reason }, 'admin');
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.reason' }],
      });
    }
  });

  it('needs an active vendor: a suspended one cannot submit, and its products cannot be approved', async () => {
    const seller = await addVendor(catalog);
    const draft = await createProduct(catalog, seller);
    const waiting = await inReview(seller);
    await setVendorStatus(catalog, seller.vendorId, 'SUSPENDED');
    const submission = await catalog.client.request(SUBMIT, { variables: { id: draft.id }, token: seller.token });
    expect(submission.errors?.[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'VENDOR_SUSPENDED' });
    const approval = await run(APPROVE, { id: waiting.id }, 'admin');
    expect(approval.errors?.[0].extensions).toEqual({ code: 'CONFLICT', reason: 'VENDOR_SUSPENDED' });
    // Archiving is still possible, for both.
    expect(
      (await catalog.client.data(ARCHIVE, { variables: { id: draft.id }, token: seller.token })).archiveProduct.product
        .status,
    ).toBe('ARCHIVED');
  });
});

describe('events', () => {
  it('records product.published, product.updated and product.archived with the state, an increasing revision and the request id', async () => {
    const product = await inReview();
    const headers = (id: string) => ({ 'x-request-id': id });
    const approved = await catalog.client.data(APPROVE, {
      variables: { id: product.id },
      token: admin(),
      headers: headers('approve-1'),
    });
    const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { revision } } }`;
    await catalog.client.data(UPDATE, {
      variables: { input: { productId: product.id, kind: 'TOOL' } },
      token: vendor.token,
      headers: headers('update-2'),
    });
    await catalog.client.data(ARCHIVE, {
      variables: { id: product.id },
      token: vendor.token,
      headers: headers('archive-3'),
    });
    const events = await domainEventsOf(catalog, uuidOf(product.id));
    const state = {
      productId: uuidOf(product.id),
      vendorId: vendor.vendorId,
      slug: product.slug,
      name: product.name,
      price: product.price,
      categoryId: CATEGORY_IDS.customerSupport,
      maxActivations: 3,
    };
    expect(events).toEqual([
      expect.objectContaining({
        type: 'product.published',
        correlationId: 'approve-1',
        payload: { ...state, kind: 'AGENT', status: 'PUBLISHED', revision: approved.approveProduct.product.revision },
      }),
      expect.objectContaining({
        type: 'product.updated',
        correlationId: 'update-2',
        payload: {
          ...state,
          kind: 'TOOL',
          status: 'PUBLISHED',
          revision: approved.approveProduct.product.revision + 1,
        },
      }),
      expect.objectContaining({
        type: 'product.archived',
        correlationId: 'archive-3',
        payload: { productId: uuidOf(product.id), vendorId: vendor.vendorId },
      }),
    ]);
    expect(
      events.every(
        (e) =>
          (e as { aggregateId?: string }).aggregateId === uuidOf(product.id) &&
          (e as { source?: string }).source === 'catalog',
      ),
    ).toBe(true);
  });

  it('records nothing for drafts, reviews, rejections and archiving an unpublished product', async () => {
    const product = await inReview();
    await run(REJECT, { id: product.id, reason: 'no' }, 'admin');
    await run(SUBMIT, { id: product.id }, 'owner');
    await run(ARCHIVE, { id: product.id }, 'owner');
    expect(await domainEventsOf(catalog, uuidOf(product.id))).toEqual([]);
  });
});

describe('concurrency', () => {
  it('lets one of several admins approving the same product at once win; the others get CONFLICT; one event', async () => {
    const product = await inReview();
    const results = await Promise.all(Array.from({ length: 6 }, () => run(APPROVE, { id: product.id }, 'admin')));
    expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    results.filter((r) => r.errors).forEach((r) => expect(r.errors?.[0].extensions?.reason).toBe('INVALID_STATUS'));
    expect((await domainEventsOf(catalog, uuidOf(product.id))).map((e) => e.type)).toEqual(['product.published']);
  });

  it('serialises an approval and a rejection racing for one product: exactly one applies', async () => {
    const product = await inReview();
    const [approval, rejection] = await Promise.all([
      run(APPROVE, { id: product.id }, 'admin'),
      run(REJECT, { id: product.id, reason: 'late' }, 'admin'),
    ]);
    expect([codeOf(approval), codeOf(rejection)].sort()).toEqual(['CONFLICT', 'OK']);
    const { product: after } = await catalog.client.data(PRODUCT, { variables: { id: product.id }, token: admin() });
    expect(after.status).toBe(codeOf(approval) === 'OK' ? 'PUBLISHED' : 'REJECTED');
    expect(after.revision).toBe(product.revision + 2);
    expect((await domainEventsOf(catalog, uuidOf(product.id))).length).toBe(codeOf(approval) === 'OK' ? 1 : 0);
  });

  it('applies concurrent edits one after the other: every one gets its own version', async () => {
    const product = await publishedProduct(catalog, vendor);
    const UPDATE = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { revision } } }`;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        catalog.client.data(UPDATE, {
          variables: { input: { productId: product.id, price: { amount: 100 + i, currency: 'USD' } } },
          token: vendor.token,
        }),
      ),
    );
    expect(results.map((r) => r.updateProduct.product.revision).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => product.revision + n),
    );
    const revisions = (await domainEventsOf(catalog, uuidOf(product.id)))
      .filter((e) => e.type === 'product.updated')
      .map((e) => e.payload.revision);
    expect(revisions).toEqual([1, 2, 3, 4, 5].map((n) => product.revision + n));
  });
});
