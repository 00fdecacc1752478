import { randomUUID } from 'node:crypto';
import { AccessTokenSigner, EventDefinition, Role, createEnvelope, envReader, loadTokenKeys, queryRows, readCommonConfig } from '@marketplace/kit';
import { TestSubgraph, eventually, startTestSubgraph } from '@marketplace/kit/testing';
import { catalogSubgraph } from './index';

export function startCatalog(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(catalogSubgraph, env);
}

let signer: AccessTokenSigner | undefined;
/** An access token as the users subgraph would sign it (tests share the dev key pair through DATA_DIR). */
export function tokenFor(userId: string, role: Role | 'CUSTOMER' | 'VENDOR' | 'ADMIN'): string {
  if (!signer) {
    const config = readCommonConfig(envReader());
    signer = new AccessTokenSigner(loadTokenKeys(config).privateKeyPem!, config.jwt);
  }
  return signer.sign({ id: userId, role: role as Role });
}

export interface TestVendor {
  vendorId: string;
  userId: string;
  token: string;
}

/** A vendor in the replica, written directly (tests of the replica itself go through events). */
export async function addVendor(catalog: TestSubgraph, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): Promise<TestVendor> {
  const vendor = { vendorId: randomUUID(), userId: randomUUID() };
  await catalog.subgraph.deps.db.query(`INSERT INTO vendors (id, user_id, display_name, status, status_changed_at) VALUES ($1, $2, 'Test Vendor', $3, now())`, [
    vendor.vendorId,
    vendor.userId,
    status,
  ]);
  return { ...vendor, token: tokenFor(vendor.userId, 'VENDOR') };
}

export async function setVendorStatus(catalog: TestSubgraph, vendorId: string, status: 'ACTIVE' | 'SUSPENDED'): Promise<void> {
  await catalog.subgraph.deps.db.query(`UPDATE vendors SET status = $2 WHERE id = $1`, [vendorId, status]);
}

export const admin = () => tokenFor(randomUUID(), 'ADMIN');
export const customer = () => tokenFor(randomUUID(), 'CUSTOMER');

/** Publishes an envelope into the subgraph's queue and waits until every handler of it committed. */
export async function deliver<T>(catalog: TestSubgraph, definition: EventDefinition<T>, payload: T, options: { occurredAt?: string; handlers?: number } = {}) {
  const envelope = createEnvelope(definition, payload, { source: 'test', correlationId: `test-${randomUUID()}`, aggregateId: randomUUID() });
  if (options.occurredAt) envelope.occurredAt = options.occurredAt;
  await catalog.subgraph.events.transport.publish(envelope);
  await eventually(
    async () => (await queryRows(catalog.subgraph.deps.db, `SELECT 1 FROM inbox WHERE event_id = $1`, [envelope.id])).length >= (options.handlers ?? 1),
    10_000,
    () => `${definition.type} to be handled`,
  );
  return envelope;
}

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

export async function createProduct(catalog: TestSubgraph, vendor: TestVendor, overrides: Record<string, unknown> = {}): Promise<ProductShape> {
  const { createProduct: product } = await catalog.client.data<{ createProduct: ProductShape }>(CREATE, { variables: { input: productInput(overrides) }, token: vendor.token });
  return product;
}

/** Created, submitted and approved through the API. */
export async function publishedProduct(catalog: TestSubgraph, vendor: TestVendor, overrides: Record<string, unknown> = {}): Promise<ProductShape> {
  const product = await createProduct(catalog, vendor, overrides);
  await catalog.client.data(SUBMIT, { variables: { id: product.id }, token: vendor.token });
  const { approveProduct } = await catalog.client.data<{ approveProduct: ProductShape }>(APPROVE, { variables: { id: product.id }, token: admin() });
  return approveProduct;
}

/** The envelopes this subgraph recorded for one aggregate, in write order. */
export async function outboxOf(catalog: TestSubgraph, aggregateId: string): Promise<{ type: string; payload: any; correlationId: string }[]> {
  const rows = await queryRows(catalog.subgraph.deps.db, `SELECT envelope FROM outbox WHERE aggregate_id = $1 ORDER BY position`, [aggregateId]);
  return rows.map((row) => row.envelope);
}

/**
 * Runs `work` and returns the SQL statements the subgraph's DataSource sent meanwhile
 * (TypeORM reports every statement to its logger, logging on or not).
 */
export async function sqlDuring<T>(catalog: TestSubgraph, work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const logger = catalog.subgraph.deps.db.logger;
  const statements: string[] = [];
  const original = logger.logQuery;
  logger.logQuery = function (query, ...rest) {
    statements.push(query);
    return original.call(this, query, ...rest);
  };
  try {
    return { result: await work(), statements };
  } finally {
    logger.logQuery = original;
  }
}
