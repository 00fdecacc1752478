import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events, UrlTokenSigner, queryRows, rawIdOf } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, globalId, outboxOf, startTestSubgraph, tokenFor } from '@marketplace/kit/testing';
import { STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS } from './cache/storefront-cache';
import { catalogSubgraph } from './index';

export function startCatalog(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(catalogSubgraph, env);
}

export interface TestVendor {
  /** The raw uuid (SQL, events); `id` is what the API answers and takes. */
  vendorId: string;
  /** The vendor's global id (`Vendor:<uuid>`). */
  id: string;
  userId: string;
  token: string;
}

/** A vendor in the replica, written directly (tests of the replica itself go through events). */
export async function addVendor(catalog: TestSubgraph, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): Promise<TestVendor> {
  const vendor = { vendorId: randomUUID(), userId: randomUUID() };
  await catalog.subgraph.deps.db.query(
    `INSERT INTO vendors (id, user_id, display_name, status, status_changed_at) VALUES ($1, $2, 'Test Vendor', $3, now())`,
    [vendor.vendorId, vendor.userId, status],
  );
  return { ...vendor, id: globalId('Vendor', vendor.vendorId), token: tokenFor(vendor.userId, 'VENDOR') };
}

/** A catalog with two active vendors in its replica. */
export async function startCatalogWithVendors(): Promise<{
  catalog: TestSubgraph;
  vendor: TestVendor;
  otherVendor: TestVendor;
}> {
  const catalog = await startCatalog();
  const vendor = await addVendor(catalog);
  const otherVendor = await addVendor(catalog);
  return { catalog, vendor, otherVendor };
}

/** Writes the replica directly, then supersedes the storefront cache as the vendor events' handlers do. */
export async function setVendorStatus(
  catalog: TestSubgraph,
  vendorId: string,
  status: 'ACTIVE' | 'SUSPENDED',
): Promise<void> {
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET status = $2 WHERE id = $1`, [rawIdOf(vendorId), status]);
  await catalog.subgraph.deps.store.increment(STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS);
}

/** Events that tell people of a product's review (for notifications), apart from the state replicas keep. */
export const REVIEW_NOTICES = ['product.submitted_for_review', 'product.moderated'];

/** A product's events the replicas follow: not its audit records (moderation records some), not its review notices. */
export const domainEventsOf = async (catalog: TestSubgraph, productId: string) =>
  (await outboxOf(catalog, productId)).filter((e) => !['audit.recorded', ...REVIEW_NOTICES].includes(e.type));

export const admin = () => tokenFor(randomUUID(), 'ADMIN');
export const customer = () => tokenFor(randomUUID(), 'CUSTOMER');

export const PRODUCT_FIELDS = `id slug name description kind price { amount currency } category { slug } tags status vendor { id } rejectionReason revision createdAt updatedAt publishedAt`;

export interface ProductShape {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  kind: string;
  price: { amount: number; currency: string };
  category: { slug: string };
  tags: string[];
  status: string;
  vendor: { id: string };
  rejectionReason: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

let names = 0;
/** A product name no other test uses. */
export function uniqueName(prefix = 'Product'): string {
  names += 1;
  return `${prefix} ${process.pid} ${Date.now().toString(36)} ${names}`;
}

export function productInput(overrides: Record<string, unknown> = {}) {
  return {
    name: uniqueName(),
    description: 'A test product that does useful things.',
    kind: 'AGENT',
    price: { amount: 1999, currency: 'USD' },
    categoryId: globalId('Category', '00000000-0000-4000-8000-0000000c0101'),
    tags: ['test'],
    ...overrides,
  };
}

export const CATEGORY_IDS = {
  agents: '00000000-0000-4000-8000-0000000c0001',
  customerSupport: '00000000-0000-4000-8000-0000000c0101',
  coding: '00000000-0000-4000-8000-0000000c0102',
  research: '00000000-0000-4000-8000-0000000c0103',
  workflows: '00000000-0000-4000-8000-0000000c0002',
  marketing: '00000000-0000-4000-8000-0000000c0201',
  dataPipelines: '00000000-0000-4000-8000-0000000c0202',
  tools: '00000000-0000-4000-8000-0000000c0003',
  developerTools: '00000000-0000-4000-8000-0000000c0301',
} as const;

/** The API's (global) id of a category of CATEGORY_IDS. */
export const categoryId = (name: keyof typeof CATEGORY_IDS) => globalId('Category', CATEGORY_IDS[name]);

export const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
export const SUBMIT_PRODUCT = `mutation($productId: ID!) { submitProductForReview(input: { productId: $productId }) { product { id status } } }`;
export const APPROVE_PRODUCT = `mutation($productId: ID!) { approveProduct(input: { productId: $productId }) { product { ${PRODUCT_FIELDS} } } }`;
export const REJECT_PRODUCT = `mutation($productId: ID!, $reason: String!) { rejectProduct(input: { productId: $productId, reason: $reason }) { product { ${PRODUCT_FIELDS} } } }`;
export const ARCHIVE_PRODUCT = `mutation($productId: ID!) { archiveProduct(input: { productId: $productId }) { product { id status } } }`;
export const UPDATE_PRODUCT = `mutation($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT_FIELDS} } } }`;
/** `product(id)` with every field of PRODUCT_FIELDS. */
export const PRODUCT_BY_ID = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
export const PRODUCT_BY_SLUG = `query($slug: String!) { productBySlug(slug: $slug) { ${PRODUCT_FIELDS} } }`;

export async function createProduct(
  catalog: TestSubgraph,
  vendor: TestVendor,
  overrides: Record<string, unknown> = {},
): Promise<ProductShape> {
  const { createProduct } = await catalog.client.data<{ createProduct: { product: ProductShape } }>(CREATE_PRODUCT, {
    variables: { input: productInput(overrides) },
    token: vendor.token,
  });
  return createProduct.product;
}

/** Created, submitted and approved through the API. */
export async function publishedProduct(
  catalog: TestSubgraph,
  vendor: TestVendor,
  overrides: Record<string, unknown> = {},
): Promise<ProductShape> {
  const product = await createProduct(catalog, vendor, overrides);
  await catalog.client.data(SUBMIT_PRODUCT, { variables: { productId: product.id }, token: vendor.token });
  const { approveProduct } = await catalog.client.data<{ approveProduct: { product: ProductShape } }>(APPROVE_PRODUCT, {
    variables: { productId: product.id },
    token: admin(),
  });
  return approveProduct.product;
}

export interface TestCustomer {
  userId: string;
  /** The customer's global id (`User:<uuid>`). */
  id: string;
  token: string;
}

/**
 * A customer holding a license for the product (its global id as the API answered it, or a raw uuid), told to the
 * catalog as licensing would: a `license.issued` event (raw uuids). `userId` is the raw uuid; `id` the global one.
 */
export async function licensedCustomer(
  catalog: TestSubgraph,
  productId: string,
  userId: string = randomUUID(),
): Promise<TestCustomer> {
  await deliverEvent(catalog, Events.LicenseIssued, {
    licenseId: randomUUID(),
    productId: rawIdOf(productId),
    ownerId: userId,
    orderId: randomUUID(),
  });
  return { userId, id: globalId('User', userId), token: tokenFor(userId, 'CUSTOMER') };
}

export const REVIEW_FIELDS = `id rating body createdAt updatedAt owner { id } product { id rating reviewCount }`;

export const ADD_REVIEW = `mutation($productId: ID!, $rating: Int!, $body: String) { addReview(input: { productId: $productId, rating: $rating, body: $body }) { review { ${REVIEW_FIELDS} } product { id rating reviewCount } } }`;

export interface ReviewShape {
  id: string;
  rating: number;
  body: string | null;
  createdAt: string;
  updatedAt: string;
  owner: { id: string };
  product: { id: string; rating: number | null; reviewCount: number };
}

/** The storefront's list, over the 207 demo products plus what a test adds. */
export const PRODUCT_SEARCH = `query($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name description tags kind price { amount currency } rating publishedAt category { slug } vendor { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

export interface SearchNode {
  id: string;
  name: string;
  description: string | null;
  tags: string[];
  kind: string;
  price: { amount: number; currency: string };
  rating: number | null;
  category: { slug: string };
  vendor: { id: string };
}

export interface SearchPage {
  totalCount: number;
  edges: { cursor: string; node: SearchNode }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A catalog with the demo products, a vendor of its own, and ratings, review and sales counts with plenty of ties. */
export async function startSearchCatalog(): Promise<{ catalog: TestSubgraph; vendor: TestVendor }> {
  const catalog = await startCatalog();
  await catalog.subgraph.wiring.seed!();
  const vendor = await addVendor(catalog);
  await catalog.subgraph.deps.db.query(`
    UPDATE products SET
      rating = (abs(hashtext(id::text)) % 5) + 1 - (abs(hashtext(slug)) % 2) * 0.5,
      review_count = abs(hashtext(name)) % 7 + 1,
      sales_count = abs(hashtext(id::text || 'sales')) % 40`);
  return { catalog, vendor };
}

export async function searchPage(
  catalog: TestSubgraph,
  variables: Record<string, unknown>,
  token?: string,
): Promise<SearchPage> {
  return (await catalog.client.data<{ products: SearchPage }>(PRODUCT_SEARCH, { variables, token })).products;
}

/** Every result, page by page; checks each page's bookkeeping on the way. */
export async function searchAll(
  catalog: TestSubgraph,
  variables: Record<string, unknown>,
  first = 100,
): Promise<SearchNode[]> {
  const nodes: SearchNode[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const result: SearchPage = await searchPage(catalog, { ...variables, first, after });
    expect(result.edges.length).toBeLessThanOrEqual(first);
    expect(result.pageInfo.hasPreviousPage).toBe(after !== null);
    nodes.push(...result.edges.map((edge) => edge.node));
    if (!result.pageInfo.hasNextPage) {
      expect(nodes.length).toBe(result.totalCount);
      // Past the last page: no rows, and still the whole total.
      if (result.pageInfo.endCursor)
        expect(await searchPage(catalog, { ...variables, first, after: result.pageInfo.endCursor })).toMatchObject({
          edges: [],
          totalCount: result.totalCount,
        });
      return nodes;
    }
    expect(result.edges).toHaveLength(first);
    after = result.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

export const idsOf = (nodes: { id: string }[]) => nodes.map((node) => node.id);

/** The FROM and WHERE of what the storefront lists, for the expected answer straight from the tables. */
export const STOREFRONT = `FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE p.status = 'PUBLISHED' AND v.status = 'ACTIVE'`;

/** The products `sql` selects (`SELECT p.id …`), as the global ids the API answers. */
export async function expectedIds(catalog: TestSubgraph, sql: string, params: unknown[] = []): Promise<string[]> {
  return (await queryRows(catalog.subgraph.deps.db, sql, params)).map((row) => globalId('Product', row.id as string));
}

export const ARTIFACT_MAX_BYTES = 64 * 1024;
export const CREATE_ARTIFACT_UPLOAD = `mutation($productId: ID!, $version: String!) { createArtifactUpload(input: { productId: $productId, version: $version }) { upload { uploadUrl expiresAt maxBytes } product { id } } }`;

/** A catalog that takes artifact uploads, with the signer of its links and the directory it stores them in. */
export interface ArtifactCatalog extends TestSubgraph {
  signer: UrlTokenSigner;
  storageDir: string;
}

/** Its own signing secret and storage directory (removed on close), ARTIFACT_MAX_BYTES, links on a gateway URL. */
export async function startArtifactCatalog(): Promise<ArtifactCatalog> {
  const secret = randomBytes(32).toString('hex');
  const storageDir = mkdtempSync(join(tmpdir(), 'catalog-artifacts-'));
  const catalog = await startCatalog({
    URL_SIGNING_SECRET: secret,
    ARTIFACT_STORAGE_DIR: storageDir,
    ARTIFACT_MAX_BYTES: String(ARTIFACT_MAX_BYTES),
    PUBLIC_URL: 'http://gateway.test:4000/',
  });
  return {
    ...catalog,
    signer: new UrlTokenSigner(Buffer.from(secret, 'hex')),
    storageDir,
    close: async () => {
      await catalog.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export async function uploadUrl(
  catalog: TestSubgraph,
  owner: TestVendor,
  productId: string,
  version = '1.0.0',
): Promise<string> {
  const { createArtifactUpload } = await catalog.client.data<{
    createArtifactUpload: { upload: { uploadUrl: string } };
  }>(CREATE_ARTIFACT_UPLOAD, { variables: { productId, version }, token: owner.token });
  return createArtifactUpload.upload.uploadUrl;
}

/** The upload link a gateway would hand out for `token`. */
export const uploadLink = (token: string) => `http://gateway.test:4000/uploads/${token}`;

/** PUTs to the subgraph directly, on the path of the URL the API gave (the gateway forwards it unchanged). */
export async function putArtifact(
  catalog: TestSubgraph,
  url: string,
  body: Buffer | ReadableStream,
  init: RequestInit = {},
) {
  const path = new URL(url).pathname;
  // Sent as the gateway's REST edge sends it: the request id a test sets is signed, or the subgraph would not believe it.
  const headers = { ...(init.headers as Record<string, string> | undefined) };
  Object.assign(
    headers,
    catalog.gatewaySigner.identityHeaders({ method: 'PUT', path, requestId: headers['x-request-id'] }),
  );
  const response = await fetch(`${catalog.subgraph.url.replace(/\/graphql$/, '')}${path}`, {
    method: 'PUT',
    body,
    ...init,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The files kept in storage for a product. */
export function storedObjects(catalog: ArtifactCatalog, productId: string): string[] {
  try {
    return readdirSync(join(catalog.storageDir, 'products', rawIdOf(productId)), {
      recursive: true,
      withFileTypes: true,
    })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

export function artifactRows(catalog: TestSubgraph, productId: string) {
  return queryRows<{ version: string; objectKey: string; sha256: string; size: number }>(
    catalog.subgraph.deps.db,
    `SELECT version, object_key AS "objectKey", sha256, size::int AS size FROM artifacts WHERE product_id = $1 ORDER BY uploaded_at`,
    [rawIdOf(productId)],
  );
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
