import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DemoIds, queryRows } from '@marketplace/kit';
import { globalId, tokenFor, uuidOf } from '@marketplace/kit/testing';
import { NODE_EXISTENCE_PROBES } from '@marketplace/gateway';
import { SUPERGRAPH_PATH } from './testing/query-plan';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Global ids and `Node` on the whole supergraph (the committed supergraph): every subgraph
 * answers `<Type>:<uuid>`, `node`/`nodes` refetch objects owned by any subgraph, and a
 * missing or hidden object is `null` without an error (docs/api-conventions.md §2, §8).
 */
let supergraph: TestSupergraph;
let productId: string;
let draftId: string;

interface Answer {
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: { message: string; extensions?: { code?: string; fields?: unknown } }[];
}
const ask = (query: string, variables?: Record<string, unknown>, token?: string) =>
  supergraph.client.request(query, { variables, token }) as Promise<Answer>;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
  const db = supergraph.subgraphs.get('catalog')!.deps.db;
  const [product, draft] = await queryRows<{ id: string }>(
    db,
    `SELECT id FROM products WHERE vendor_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 2`,
    [DemoIds.vendors.ada],
  );
  productId = product.id;
  draftId = draft.id;
  await db.query(`UPDATE products SET status = 'DRAFT', published_at = NULL WHERE id = $1`, [draftId]);
}, 120_000);

afterAll(async () => {
  await supergraph?.close();
});

it('answers typename-qualified ids from every subgraph, stubs included, and takes them back', async () => {
  const { data, errors } = await ask('query ($id: ID!) { product(id: $id) { id vendor { id displayName } } }', {
    id: globalId('Product', productId),
  });
  expect(errors).toBeUndefined();
  expect(data.product.id).toBe(globalId('Product', productId));
  expect(data.product.vendor.id).toBe(globalId('Vendor', DemoIds.vendors.ada));
  expect(uuidOf(data.product.vendor.id)).toBe(DemoIds.vendors.ada);
});

it('refuses a bare uuid, garbage and an id of the wrong type with BAD_USER_INPUT', async () => {
  for (const id of [productId, 'nope', globalId('Vendor', productId)]) {
    const { data, errors } = await ask('query ($id: ID!) { product(id: $id) { id } }', { id });
    expect(data?.product ?? null).toBeNull();
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  }
});

const NODE_FIELDS = `__typename id
  ... on Product { name vendor { displayName } }
  ... on Vendor { displayName }
  ... on User { displayName }`;

it('node refetches an object owned by any subgraph by its global id', async () => {
  const cases: [string, string, Record<string, unknown>][] = [
    [globalId('Product', productId), 'Product', { name: expect.any(String), vendor: { displayName: 'Ada Agents' } }],
    [globalId('Vendor', DemoIds.vendors.ada), 'Vendor', { displayName: 'Ada Agents' }],
    [globalId('User', DemoIds.users.ada), 'User', { displayName: 'Ada Agents' }],
  ];
  for (const [id, typename, fields] of cases) {
    const { data, errors } = await ask(`query ($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id });
    expect(errors).toBeUndefined();
    expect(data.node).toEqual({ __typename: typename, id, ...fields });
  }
});

/** A non-null field of each Node type that only its owner resolves (see the gap below). */
const OWNER_FIELDS = `... on Order { orderStatus: status } ... on Payment { paymentStatus: status } ... on License { licenseStatus: status }`;

it('node answers null without an error for a hidden or missing object, whoever owns it', async () => {
  for (const id of [
    globalId('Product', draftId),
    globalId('Product', randomUUID()),
    globalId('Vendor', randomUUID()),
    globalId('User', randomUUID()),
    globalId('Order', randomUUID()),
    globalId('Payment', randomUUID()),
    globalId('License', randomUUID()),
    globalId('Category', randomUUID()),
    globalId('Review', randomUUID()),
  ]) {
    const answer = await ask(`query ($id: ID!) { node(id: $id) { ${NODE_FIELDS} ${OWNER_FIELDS} } }`, { id });
    expect([id, answer.data, answer.errors]).toEqual([id, { node: null }, undefined]);
  }
  // The vendor sees their own draft.
  const own = await ask(
    'query ($id: ID!) { node(id: $id) { id ... on Product { status } } }',
    { id: globalId('Product', draftId) },
    tokenFor(DemoIds.users.ada, 'VENDOR'),
  );
  expect([own.data, own.errors]).toEqual([{ node: { id: globalId('Product', draftId), status: 'DRAFT' } }, undefined]);
});

it('node and nodes refetch a Category and a Review (owned by the catalog); a review of a hidden product is null', async () => {
  const db = supergraph.subgraphs.get('catalog')!.deps.db;
  const [category] = await queryRows<{ id: string; slug: string; name: string }>(
    db,
    'SELECT id, slug, name FROM categories ORDER BY slug LIMIT 1',
  );
  // Reviews are written by license holders; the rows are made directly (the refetch is what is tested here).
  const review = async (product: string) =>
    (
      await queryRows<{ id: string }>(
        db,
        `INSERT INTO reviews (product_id, author_id, rating, body) VALUES ($1, $2, 4, 'Does what it says.')
         ON CONFLICT (product_id, author_id) DO UPDATE SET rating = 4, body = 'Does what it says.' RETURNING id`,
        [product, DemoIds.users.grace],
      )
    )[0].id;
  const categoryId = globalId('Category', category.id);
  const reviewId = globalId('Review', await review(productId));
  const hiddenReviewId = globalId('Review', await review(draftId));
  const FIELDS = `__typename id ... on Category { slug name } ... on Review { rating body }`;

  const byCategory = await ask(`query ($id: ID!) { node(id: $id) { ${FIELDS} } }`, { id: categoryId });
  expect([byCategory.data, byCategory.errors]).toEqual([
    { node: { __typename: 'Category', id: categoryId, slug: category.slug, name: category.name } },
    undefined,
  ]);
  const byReview = await ask(`query ($id: ID!) { node(id: $id) { ${FIELDS} } }`, { id: reviewId });
  expect([byReview.data, byReview.errors]).toEqual([
    { node: { __typename: 'Review', id: reviewId, rating: 4, body: 'Does what it says.' } },
    undefined,
  ]);

  const ids = [
    categoryId,
    reviewId,
    hiddenReviewId,
    globalId('Category', randomUUID()),
    globalId('Review', randomUUID()),
  ];
  const many = await ask('query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }', { ids });
  expect([many.data, many.errors]).toEqual([
    {
      nodes: [{ __typename: 'Category', id: categoryId }, { __typename: 'Review', id: reviewId }, null, null, null],
    },
    undefined,
  ]);
});

it("node refetches a payout for its vendor's owner and admins; null without an error for another vendor or anonymous", async () => {
  const [{ id: payoutUuid }] = await queryRows<{ id: string }>(
    supergraph.subgraphs.get('vendor')!.deps.db,
    `INSERT INTO payouts (vendor_id, amount, currency, idempotency_key) VALUES ($1, 1234, 'USD', $2) RETURNING id`,
    [DemoIds.vendors.ada, randomUUID()],
  );
  const id = globalId('Payout', payoutUuid);
  const query = `query ($id: ID!) { node(id: $id) { __typename id ... on Payout { status amount { amount currency } vendor { id displayName } } } }`;
  const payout = {
    __typename: 'Payout',
    id,
    status: 'REQUESTED',
    amount: { amount: 1234, currency: 'USD' },
    vendor: { id: globalId('Vendor', DemoIds.vendors.ada), displayName: 'Ada Agents' },
  };
  for (const token of [tokenFor(DemoIds.users.ada, 'VENDOR'), tokenFor(DemoIds.users.admin, 'ADMIN')]) {
    const seen = await ask(query, { id }, token);
    expect([seen.data, seen.errors]).toEqual([{ node: payout }, undefined]);
  }
  for (const token of [tokenFor(DemoIds.users.grace, 'VENDOR'), tokenFor(DemoIds.users.alan, 'CUSTOMER'), undefined]) {
    for (const asked of [query, 'query ($id: ID!) { node(id: $id) { id } }']) {
      const hidden = await ask(asked, { id }, token);
      expect([asked, hidden.data, hidden.errors]).toEqual([asked, { node: null }, undefined]);
    }
  }
  const missing = await ask(query, { id: globalId('Payout', randomUUID()) }, tokenFor(DemoIds.users.admin, 'ADMIN'));
  expect([missing.data, missing.errors]).toEqual([{ node: null }, undefined]);
});

it('nodes answers in order, null for each missing or hidden one, and at most 100 ids', async () => {
  const ids = [
    globalId('Vendor', DemoIds.vendors.ada),
    globalId('Product', draftId),
    globalId('Product', productId),
    globalId('User', DemoIds.users.grace),
  ];
  const { data, errors } = await ask(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`, { ids });
  expect(errors).toBeUndefined();
  expect(data.nodes.map((node: { id: string } | null) => node?.id ?? null)).toEqual([ids[0], null, ids[2], ids[3]]);
  expect(data.nodes[3]).toEqual({ __typename: 'User', id: ids[3], displayName: 'Grace Workflows' });

  const tooMany = await ask('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
    ids: Array.from({ length: 101 }, () => globalId('Product', productId)),
  });
  expect(tooMany.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
});

it('node refuses what is not a global id of a Node type', async () => {
  for (const id of [productId, 'Product:', 'Cart:' + randomUUID()]) {
    const { errors } = await ask('query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  }
});

/**
 * The users subgraph answers `id` and `__typename` of a reference itself, and @apollo/gateway
 * nulls an object its owner did not resolve only through a non-null field (noting it in
 * `extensions.valueCompletion`); the gateway's node-existence probe covers both.
 */
it('a missing object is null even when nothing but its key or nullable fields is selected, with no note', async () => {
  for (const id of [globalId('Product', randomUUID()), globalId('Order', randomUUID()), globalId('Product', draftId)]) {
    for (const query of [
      'query ($id: ID!) { node(id: $id) { id } }',
      'query ($id: ID!) { node(id: $id) { __typename ... on Product { rating } } }',
      'query ($id: ID!) { node(id: $id) { id ... on Product { name } } }',
    ]) {
      const response = await fetch(supergraph.client.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id } }),
      });
      expect([query, id, await response.json()]).toEqual([query, id, { data: { node: null } }]);
    }
  }
  const found = await ask('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
    ids: [globalId('Product', productId), globalId('Product', draftId)],
  });
  expect([found.data, found.errors]).toEqual([{ nodes: [{ id: globalId('Product', productId) }, null] }, undefined]);
});

it('every existence probe is a non-null field of a Node type resolved by its owner, not by the node subgraph', () => {
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  const implementers = [...supergraphSdl.matchAll(/^type (\w+) implements Node\b/gm)].map((match) => match[1]);
  expect(Object.keys(NODE_EXISTENCE_PROBES).sort()).toEqual(implementers.filter((name) => name !== 'User').sort());
  for (const [typename, field] of Object.entries(NODE_EXISTENCE_PROBES)) {
    const body = new RegExp(`^type ${typename} implements Node[^{]*\\{([^}]*)\\}`, 'm').exec(supergraphSdl)![1];
    expect([typename, new RegExp(`^  ${field}: [^\\n]*!( |$)(?![^\\n]*graph: USERS)`, 'm').test(body)]).toEqual([
      typename,
      true,
    ]);
  }
});
