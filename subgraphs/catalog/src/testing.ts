import { randomUUID } from 'node:crypto';
import { Events } from '@marketplace/kit';
import { TestSubgraph, deliverEvent, startTestSubgraph, tokenFor } from '@marketplace/kit/testing';
import { STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS } from './cache/storefront-cache';
import { catalogSubgraph } from './index';

export function startCatalog(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(catalogSubgraph, env);
}

export interface TestVendor {
  vendorId: string;
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
  return { ...vendor, token: tokenFor(vendor.userId, 'VENDOR') };
}

/** Writes the replica directly, then supersedes the storefront cache as the vendor events' handlers do. */
export async function setVendorStatus(
  catalog: TestSubgraph,
  vendorId: string,
  status: 'ACTIVE' | 'SUSPENDED',
): Promise<void> {
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET status = $2 WHERE id = $1`, [vendorId, status]);
  await catalog.subgraph.deps.store.increment(STOREFRONT_VERSION_KEY, VERSION_LIFETIME_MS);
}

export const admin = () => tokenFor(randomUUID(), 'ADMIN');
export const customer = () => tokenFor(randomUUID(), 'CUSTOMER');

export const PRODUCT_FIELDS = `id slug name description kind price { amount currency } category { slug } tags status vendor { id } rejectionReason version createdAt updatedAt publishedAt`;

export interface ProductShape {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: string;
  price: { amount: number; currency: string };
  category: { slug: string };
  tags: string[];
  status: string;
  vendor: { id: string };
  rejectionReason: string | null;
  version: number;
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
    categoryId: '00000000-0000-4000-8000-0000000c0101',
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

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const SUBMIT = `mutation($id: ID!) { submitProductForReview(id: $id) { id status } }`;
const APPROVE = `mutation($id: ID!) { approveProduct(id: $id) { ${PRODUCT_FIELDS} } }`;

export async function createProduct(
  catalog: TestSubgraph,
  vendor: TestVendor,
  overrides: Record<string, unknown> = {},
): Promise<ProductShape> {
  const { createProduct: product } = await catalog.client.data<{ createProduct: ProductShape }>(CREATE, {
    variables: { input: productInput(overrides) },
    token: vendor.token,
  });
  return product;
}

/** Created, submitted and approved through the API. */
export async function publishedProduct(
  catalog: TestSubgraph,
  vendor: TestVendor,
  overrides: Record<string, unknown> = {},
): Promise<ProductShape> {
  const product = await createProduct(catalog, vendor, overrides);
  await catalog.client.data(SUBMIT, { variables: { id: product.id }, token: vendor.token });
  const { approveProduct } = await catalog.client.data<{ approveProduct: ProductShape }>(APPROVE, {
    variables: { id: product.id },
    token: admin(),
  });
  return approveProduct;
}

export interface TestCustomer {
  userId: string;
  token: string;
}

/** A customer holding a license for the product, told to the catalog as licensing would: a `license.issued` event. */
export async function licensedCustomer(
  catalog: TestSubgraph,
  productId: string,
  userId: string = randomUUID(),
): Promise<TestCustomer> {
  await deliverEvent(catalog, Events.LicenseIssued, {
    licenseId: randomUUID(),
    productId,
    ownerId: userId,
    orderId: randomUUID(),
  });
  return { userId, token: tokenFor(userId, 'CUSTOMER') };
}

export const REVIEW_FIELDS = `id rating body createdAt updatedAt author { id } product { id rating reviewCount }`;

export interface ReviewShape {
  id: string;
  rating: number;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: { id: string };
  product: { id: string; rating: number | null; reviewCount: number };
}
