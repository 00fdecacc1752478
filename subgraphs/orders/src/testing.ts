import { randomUUID } from 'node:crypto';
import { Envelope, EventDefinition, Events, PayloadOf, createEnvelope, queryRows } from '@marketplace/kit';
import { TestSubgraph, deliver, startTestSubgraph, tokenFor } from '@marketplace/kit/testing';
import { ordersSubgraph } from './index';

export function startOrders(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(ordersSubgraph, env);
}

export const customer = () => tokenFor(randomUUID(), 'CUSTOMER');

export async function deliverEvent<T>(orders: TestSubgraph, definition: EventDefinition<T>, payload: T, occurredAt?: string): Promise<Envelope<T>> {
  const envelope = createEnvelope(definition, payload, { source: 'test', correlationId: `test-${randomUUID()}`, aggregateId: (payload as { productId: string }).productId });
  if (occurredAt) envelope.occurredAt = occurredAt;
  await deliver(orders, envelope);
  return envelope;
}

export type ProductState = PayloadOf<typeof Events.ProductPublished>;

export function productState(overrides: Partial<ProductState> = {}): ProductState {
  const productId = overrides.productId ?? randomUUID();
  return { productId, vendorId: randomUUID(), slug: `p-${productId.slice(0, 8)}`, name: 'Replica Agent', kind: 'AGENT', price: { amount: 1500, currency: 'USD' }, status: 'PUBLISHED', revision: 1, ...overrides };
}

/** A product published in the orders subgraph's replica, through the catalog's event. */
export async function published(orders: TestSubgraph, overrides: Partial<ProductState> = {}): Promise<ProductState> {
  const state = productState(overrides);
  await deliverEvent(orders, Events.ProductPublished, state);
  return state;
}

export const archive = (orders: TestSubgraph, state: ProductState, occurredAt?: string) =>
  deliverEvent(orders, Events.ProductArchived, { productId: state.productId, vendorId: state.vendorId }, occurredAt);

export async function replicaOf(orders: TestSubgraph, productId: string) {
  const [row] = await queryRows(orders.subgraph.deps.db, `SELECT name, price_amount AS amount, status, revision FROM products WHERE id = $1`, [productId]);
  return row;
}

export const CART_FIELDS = 'id itemCount updatedAt subtotal { amount currency } items { product { id } unitPrice { amount currency } available addedAt }';

export interface CartView {
  id: string;
  itemCount: number;
  updatedAt: string;
  subtotal: { amount: number; currency: string };
  items: { product: { id: string }; unitPrice: { amount: number; currency: string }; available: boolean; addedAt: string }[];
}

export const CART = `{ cart { ${CART_FIELDS} } }`;
export const ADD = `mutation($productId: ID!) { addToCart(productId: $productId) { ${CART_FIELDS} } }`;
export const REMOVE = `mutation($productId: ID!) { removeFromCart(productId: $productId) { ${CART_FIELDS} } }`;
export const CLEAR = `mutation { clearCart { ${CART_FIELDS} } }`;

export { sqlDuring, tokenFor } from '@marketplace/kit/testing';
