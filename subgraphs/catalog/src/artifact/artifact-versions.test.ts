import { randomBytes, randomUUID } from 'node:crypto';
import { rawIdOf } from '@marketplace/kit';
import { sqlDuring, tokenFor } from '@marketplace/kit/testing';
import {
  ArtifactCatalog,
  TestVendor,
  addVendor,
  createProduct,
  publishedProduct,
  putArtifact,
  sha256,
  startArtifactCatalog,
  uploadUrl,
} from '../testing';

/** Product.versions: the builds a vendor uploaded, newest first. */
let catalog: ArtifactCatalog;
let vendor: TestVendor;
beforeAll(async () => {
  catalog = await startArtifactCatalog();
  vendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const VERSIONS = `query($id: ID!, $first: Int, $after: String) { product(id: $id) {
  artifact { version }
  versions(first: $first, after: $after) { totalCount edges { cursor node { version sha256 size uploadedAt } } pageInfo { hasNextPage hasPreviousPage endCursor } }
} }`;

async function upload(productId: string, version: string): Promise<Buffer> {
  const bytes = randomBytes(1000 + Math.floor(Math.random() * 1000));
  const { status } = await putArtifact(catalog, await uploadUrl(catalog, vendor, productId, version), bytes);
  expect(status).toBe(200);
  return bytes;
}

it('lists every uploaded build newest first, paged, the first being the current artifact', async () => {
  const product = await publishedProduct(catalog, vendor);
  const builds: [string, Buffer][] = [];
  for (const version of ['1.0.0', '1.1.0', '2.0.0']) builds.push([version, await upload(product.id, version)]);
  const first = (await catalog.client.data(VERSIONS, { variables: { id: product.id, first: 2 } })).product;
  expect(first.artifact).toEqual({ version: '2.0.0' });
  expect(first.versions.totalCount).toBe(3);
  expect(first.versions.edges.map((edge: { node: unknown }) => edge.node)).toEqual(
    builds
      .slice(1)
      .reverse()
      .map(([version, bytes]) => ({
        version,
        sha256: sha256(bytes),
        size: bytes.length,
        uploadedAt: expect.any(String),
      })),
  );
  expect(first.versions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const rest = (
    await catalog.client.data(VERSIONS, {
      variables: { id: product.id, first: 2, after: first.versions.pageInfo.endCursor },
    })
  ).product.versions;
  expect(rest.edges.map((edge: { node: { version: string } }) => edge.node.version)).toEqual(['1.0.0']);
  expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
});

it('answers an empty list before the first upload, and BAD_USER_INPUT for a forged cursor or a page over 100', async () => {
  const product = await publishedProduct(catalog, vendor);
  const { versions } = (await catalog.client.data(VERSIONS, { variables: { id: product.id } })).product;
  expect(versions).toEqual({
    totalCount: 0,
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
  });
  for (const variables of [
    { after: Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url') },
    { first: 101 },
  ]) {
    const answer = await catalog.client.request(VERSIONS, { variables: { id: product.id, ...variables } });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  }
});

it("shows a draft's versions to its vendor only, as the draft itself", async () => {
  const draft = await createProduct(catalog, vendor);
  await upload(draft.id, '0.1.0');
  const mine = (await catalog.client.data(VERSIONS, { variables: { id: draft.id }, token: vendor.token })).product;
  expect(mine.versions.edges.map((edge: { node: { version: string } }) => edge.node.version)).toEqual(['0.1.0']);
  for (const token of [undefined, tokenFor(randomUUID(), 'VENDOR')])
    expect((await catalog.client.data(VERSIONS, { variables: { id: draft.id }, token })).product).toBeNull();
});

it('reads the versions of a whole page of products in one statement', async () => {
  const owner = await addVendor(catalog);
  for (let i = 0; i < 4; i += 1) {
    const product = await publishedProduct(catalog, owner);
    await catalog.subgraph.deps.db.query(
      `INSERT INTO artifacts (product_id, version, upload_id, object_key, sha256, size, uploaded_by)
       SELECT $1, 'v' || n, gen_random_uuid(), 'k' || n, repeat('a', 64), 10 * n, $2 FROM generate_series(1, 3) n`,
      [rawIdOf(product.id), owner.userId],
    );
  }
  const { result, statements } = await sqlDuring(catalog, () =>
    catalog.client.data(
      `query($vendorId: ID!) { products(filter: { vendorId: $vendorId }) { edges { node { versions(first: 2) { totalCount edges { node { version } } } } } } }`,
      { variables: { vendorId: owner.id } },
    ),
  );
  expect(result.products.edges).toHaveLength(4);
  for (const edge of result.products.edges) expect(edge.node.versions.totalCount).toBe(3);
  expect(statements.filter((sql) => /\bartifacts\b/.test(sql))).toHaveLength(1);
});
