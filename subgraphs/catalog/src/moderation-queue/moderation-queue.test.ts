import { MODERATION_QUEUE_ID } from '@marketplace/kit';
import { TestSubgraph, globalId, outboxOf, uuidOf } from '@marketplace/kit/testing';
import {
  ProductShape,
  REJECT_PRODUCT,
  SUBMIT_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  customer,
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

/** The catalog's part of `moderationQueue`, as the gateway asks for it. */
const QUEUE = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on ModerationQueue {
  products(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { submittedAt waitingSeconds product { id status name } } } }
} } }`;
const QUEUE_REFERENCE = [{ __typename: 'ModerationQueue', id: globalId('ModerationQueue', MODERATION_QUEUE_ID) }];
const APPROVE = `mutation($id: ID!) { approveProduct(input: { productId: $id }) { product { id status } } }`;

interface QueuedShape {
  submittedAt: string;
  waitingSeconds: number;
  product: { id: string; status: string; name: string };
}
interface QueuePage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: QueuedShape }[];
}

/** As an admin, or as `as` (null: anonymous). */
async function queue(variables: Record<string, unknown> = {}, as?: string | null) {
  return catalog.client.request<{ _entities: ({ products: QueuePage | null } | null)[] }>(QUEUE, {
    variables: { r: QUEUE_REFERENCE, ...variables },
    token: as === undefined ? admin() : (as ?? undefined),
  });
}
const queued = async () => (await queue({ first: 100 })).data!._entities[0]!.products!;

async function submitted(owner: TestVendor, secondsAgo: number): Promise<ProductShape> {
  const product = await createProduct(catalog, owner);
  await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: product.id }, token: owner.token });
  await catalog.subgraph.deps.db.query(
    `UPDATE products SET submitted_at = date_trunc('milliseconds', now()) - make_interval(secs => $2) WHERE id = $1`,
    [uuidOf(product.id), secondsAgo],
  );
  return product;
}

describe('ModerationQueue.products', () => {
  it('lists products in review, the longest waiting first, with when they were submitted and how long they waited; pages forward', async () => {
    const newer = await submitted(otherVendor, 60);
    const oldest = await submitted(vendor, 3600);
    const middle = await submitted(vendor, 600);
    await createProduct(catalog, vendor); // a draft: not in the queue
    const page = await queued();
    expect(page.totalCount).toBe(3);
    expect(page.edges.map((edge) => edge.node.product.id)).toEqual([oldest.id, middle.id, newer.id]);
    for (const [edge, seconds] of page.edges.map((edge, i) => [edge, [3600, 600, 60][i]] as const)) {
      expect(edge.node.product.status).toBe('IN_REVIEW');
      expect(edge.node.waitingSeconds).toBeGreaterThanOrEqual(seconds);
      expect(edge.node.waitingSeconds).toBeLessThan(seconds + 30);
      expect(Date.now() - Date.parse(edge.node.submittedAt)).toBeGreaterThanOrEqual(seconds * 1000 - 1000);
    }
    const first = (await queue({ first: 2 })).data!._entities[0]!.products!;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await queue({ first: 2, after: first.pageInfo.endCursor })).data!._entities[0]!.products!;
    expect(second.edges.map((edge) => edge.node.product.id)).toEqual([newer.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);

    // Decided products leave the queue; a rejected one submitted again goes to the back.
    await catalog.client.data(APPROVE, { variables: { id: oldest.id }, token: admin() });
    await catalog.client.data(REJECT_PRODUCT, {
      variables: { productId: middle.id, reason: 'Needs screenshots.' },
      token: admin(),
    });
    expect((await queued()).edges.map((edge) => edge.node.product.id)).toEqual([newer.id]);
    await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: middle.id }, token: vendor.token });
    const after = await queued();
    expect(after.edges.map((edge) => edge.node.product.id)).toEqual([newer.id, middle.id]);
    expect(after.edges[1].node.waitingSeconds).toBeLessThan(30);
  });

  it('refuses a forged cursor as BAD_USER_INPUT', async () => {
    const result = await queue({ after: 'bm9wZQ' });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['anonymous', undefined, 'UNAUTHENTICATED'],
    ['a customer', () => customer(), 'FORBIDDEN'],
    ['a vendor', () => vendor.token, 'FORBIDDEN'],
  ])('is null with %s, with the error', async (_who, token, code) => {
    const result = await queue({}, token?.() ?? null);
    expect(result.data?._entities[0]).toEqual({ products: null });
    expect(result.errors?.[0].extensions?.code).toBe(code);
  });
});

describe('moderation decisions', () => {
  it('records PRODUCT_APPROVED and PRODUCT_REJECTED in the audit trail with the status before and after, in the same transaction', async () => {
    const approved = await submitted(vendor, 5);
    const rejected = await submitted(vendor, 5);
    await catalog.client.data(APPROVE, { variables: { id: approved.id }, token: admin() });
    await catalog.client.data(REJECT_PRODUCT, {
      variables: { productId: rejected.id, reason: '  The description promises what the agent cannot do.  ' },
      token: admin(),
    });
    const auditOf = async (id: string) =>
      (await outboxOf(catalog, uuidOf(id))).filter((envelope) => envelope.type === 'audit.recorded');
    expect((await auditOf(approved.id)).map((envelope) => envelope.payload)).toEqual([
      expect.objectContaining({
        action: 'PRODUCT_APPROVED',
        targetType: 'Product',
        targetId: uuidOf(approved.id),
        before: { status: 'IN_REVIEW' },
        after: expect.objectContaining({ status: 'PUBLISHED', rejectionReason: null }),
        actor: expect.objectContaining({ kind: 'USER', role: 'ADMIN' }),
      }),
    ]);
    expect((await auditOf(rejected.id)).map((envelope) => envelope.payload)).toEqual([
      expect.objectContaining({
        action: 'PRODUCT_REJECTED',
        before: { status: 'IN_REVIEW' },
        after: expect.objectContaining({
          status: 'REJECTED',
          rejectionReason: 'The description promises what the agent cannot do.',
        }),
      }),
    ]);
  });

  it('shows the trimmed reason to the vendor and admins only; a resubmission clears it; a refused rejection records nothing', async () => {
    const product = await submitted(vendor, 5);
    const tooLong = await catalog.client.request(REJECT_PRODUCT, {
      variables: { productId: product.id, reason: 'x'.repeat(1001) },
      token: admin(),
    });
    expect(tooLong.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [expect.objectContaining({ field: 'input.reason' })],
    });
    const blank = await catalog.client.request(REJECT_PRODUCT, {
      variables: { productId: product.id, reason: '   ' },
      token: admin(),
    });
    expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // Only the submission's notice (product.submitted_for_review): the refused rejections recorded nothing.
    expect((await outboxOf(catalog, uuidOf(product.id))).map((envelope) => envelope.type)).toEqual([
      'product.submitted_for_review',
    ]);
    await catalog.client.data(REJECT_PRODUCT, {
      variables: { productId: product.id, reason: ' Add a licence file. ' },
      token: admin(),
    });
    const REASON = `query($id: ID!) { product(id: $id) { rejectionReason } }`;
    const reasonFor = async (token?: string) =>
      (
        await catalog.client.data<{ product: { rejectionReason: string | null } | null }>(REASON, {
          variables: { id: product.id },
          token,
        })
      ).product;
    expect(await reasonFor(vendor.token)).toEqual({ rejectionReason: 'Add a licence file.' });
    expect(await reasonFor(admin())).toEqual({ rejectionReason: 'Add a licence file.' });
    expect(await reasonFor(otherVendor.token)).toBeNull();
    expect(await reasonFor(customer())).toBeNull();
    expect(await reasonFor()).toBeNull();
    await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: product.id }, token: vendor.token });
    expect(await reasonFor(vendor.token)).toEqual({ rejectionReason: null });
  });
});
