import { randomUUID } from 'node:crypto';
import { Events, ProductState, queryRows } from '@marketplace/kit';
import {
  TestSubgraph,
  deliverEvent,
  globalId,
  productState,
  startTestSubgraph,
  tokenFor,
  uuidOf,
} from '@marketplace/kit/testing';
import { ordersSubgraph } from './index';

export function startOrders(env: Record<string, string> = {}): Promise<TestSubgraph> {
  return startTestSubgraph(ordersSubgraph, env);
}

export const customer = () => tokenFor(randomUUID(), 'CUSTOMER');
export const admin = () => tokenFor(randomUUID(), 'ADMIN');

/** The user id (`sub`) a test token was made for. */
export const userOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;

/** The uuid behind an id helpers are given: an answered global id, or a raw uuid from SQL, events or tokens. */
const rawId = (id: string) => (id.includes(':') ? uuidOf(id) : id);

/** A product published in the orders subgraph's replica, through the catalog's event. */
export async function published(orders: TestSubgraph, overrides: Partial<ProductState> = {}): Promise<ProductState> {
  const state = productState(overrides);
  await deliverEvent(orders, Events.ProductPublished, state);
  return state;
}

export const archive = (orders: TestSubgraph, state: ProductState, occurredAt?: string) =>
  deliverEvent(
    orders,
    Events.ProductArchived,
    { productId: state.productId, vendorId: state.vendorId },
    { occurredAt },
  );

export async function replicaOf(orders: TestSubgraph, productId: string) {
  const [row] = await queryRows(
    orders.subgraph.deps.db,
    `SELECT name, price_amount AS amount, status, revision FROM products WHERE id = $1`,
    [productId],
  );
  return row;
}

export const CART_FIELDS =
  'id itemCount updatedAt subtotal { amount currency } items { product { id } unitPrice { amount currency } available addedAt }';

export interface CartView {
  id: string;
  itemCount: number;
  updatedAt: string;
  subtotal: { amount: number; currency: string };
  items: {
    product: { id: string };
    unitPrice: { amount: number; currency: string };
    available: boolean;
    addedAt: string;
  }[];
}

/** `User.cart` of the user `$userId` (a `User` global id), as the gateway asks this subgraph for `me { cart }`. */
export const USER_CART = `query($userId: ID!) { _entities(representations: [{ __typename: "User", id: $userId }]) { ... on User { cart { ${CART_FIELDS} } } } }`;
export const ADD = `mutation($productId: ID!) { addToCart(input: { productId: $productId }) { cart { ${CART_FIELDS} } } }`;
export const REMOVE = `mutation($productId: ID!) { removeFromCart(input: { productId: $productId }) { cart { ${CART_FIELDS} } } }`;
export const CLEAR = `mutation { clearCart { cart { ${CART_FIELDS} } } }`;

/** The cart of `userId` (raw or global) as the viewer of `token` sees it (null unless it is theirs). */
export async function cartAs(orders: TestSubgraph, userId: string, token?: string): Promise<CartView | null> {
  const { _entities } = await orders.client.data<{ _entities: [{ cart: CartView | null }] }>(USER_CART, {
    variables: { userId: globalId('User', rawId(userId)) },
    token,
  });
  return _entities[0].cart;
}

/** The signed-in user's own cart (`me { cart }`). */
export const cartOf = async (orders: TestSubgraph, token: string): Promise<CartView> =>
  (await cartAs(orders, userOf(token), token))!;

export const ORDER_FIELDS = `id number status owner { id } createdAt updatedAt subtotal { amount currency } total { amount currency }
  items { product { id } vendor { id } name unitPrice { amount currency } quantity } statusHistory { from to reason at }`;

export interface OrderView {
  id: string;
  number: string;
  status: string;
  owner: { id: string };
  createdAt: string;
  updatedAt: string;
  subtotal: { amount: number; currency: string };
  total: { amount: number; currency: string };
  items: {
    product: { id: string };
    vendor: { id: string };
    name: string;
    unitPrice: { amount: number; currency: string };
    quantity: number;
  }[];
  statusHistory: { from: string | null; to: string; reason: string; at: string }[];
}

export const CHECKOUT = `mutation($key: String!) { checkout(input: { idempotencyKey: $key, billing: { name: "Test Buyer", country: "US" } }) { order { ${ORDER_FIELDS} } cart { ${CART_FIELDS} } } }`;
export const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
export const CANCEL = `mutation($orderId: ID!) { cancelOrder(input: { orderId: $orderId }) { order { ${ORDER_FIELDS} } } }`;

export interface CheckoutView {
  order: OrderView;
  cart: CartView;
}

export const newKey = () => `key-${randomUUID()}`;

export const checkout = (orders: TestSubgraph, token: string | undefined, key = newKey()) =>
  orders.client.request<{ checkout: CheckoutView }>(CHECKOUT, { variables: { key }, token });

/** The signed-in user of `token` buys `products` (published with defaults when none are given). */
export async function placeOrder(
  orders: TestSubgraph,
  token: string,
  products?: ProductState[],
): Promise<{ order: OrderView; products: ProductState[] }> {
  const bought = products ?? [await published(orders)];
  for (const product of bought)
    await orders.client.data(ADD, { variables: { productId: globalId('Product', product.productId) }, token });
  const { checkout } = await orders.client.data<{ checkout: CheckoutView }>(CHECKOUT, {
    variables: { key: newKey() },
    token,
  });
  return { order: checkout.order, products: bought };
}

/** `order(id)` as the viewer of `token` sees it: null when missing or not theirs. */
export async function orderAs(orders: TestSubgraph, id: string, token?: string): Promise<OrderView | null> {
  return (await orders.client.data<{ order: OrderView | null }>(ORDER, { variables: { id }, token })).order;
}

export async function statusOf(orders: TestSubgraph, orderId: string): Promise<string> {
  const [row] = await queryRows<{ status: string }>(
    orders.subgraph.deps.db,
    `SELECT status FROM orders WHERE id = $1`,
    [rawId(orderId)],
  );
  return row.status;
}

export const paymentOf = (
  order: { id: string; total: { amount: number; currency: string } },
  paymentId: string = randomUUID(),
) => ({
  paymentId,
  orderId: rawId(order.id),
  amount: order.total,
  providerRef: `pi_${paymentId.slice(0, 8)}`,
});

export const paid = (orders: TestSubgraph, order: OrderView, paymentId?: string) =>
  deliverEvent(orders, Events.PaymentSucceeded, paymentOf(order, paymentId));

/** The subgraph's warnings that mention this order. */
export const warningsAbout = (orders: TestSubgraph, orderId: string) =>
  orders.logs.records().filter((r) => r.level === 'warn' && r.orderId === rawId(orderId));

export { globalId, sqlDuring, tokenFor, uuidOf } from '@marketplace/kit/testing';
