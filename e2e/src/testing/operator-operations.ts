import type { BenchmarkOperation } from './benchmark-operations';

const ADMIN_ORDERS_QUERY = (name: string) => `query ${name}($first: Int!, $filter: OrderFilter) {
    orders(first: $first, filter: $filter) {
      totalCount
      edges { node { number status createdAt total { amount currency } owner { id } items { name vendor { displayName } } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

/**
 * The operator console's order search (issue 20) as an admin's screen sends it: one page of
 * every customer's orders matching a filter, with the count, the customer and the lines.
 */
export const ADMIN_ORDERS: BenchmarkOperation = {
  name: 'AdminOrders',
  title: 'admin orders(filter)',
  query: ADMIN_ORDERS_QUERY('AdminOrders'),
  page: (data) => data.orders.edges,
};

/** The same search, one operation per filter the benchmark measures (bench/src/operator-orders.ts binds them). */
export const ADMIN_ORDERS_BY_EMAIL: BenchmarkOperation = {
  ...ADMIN_ORDERS,
  name: 'AdminOrdersByEmail',
  title: 'admin orders(filter: { search: email })',
  query: ADMIN_ORDERS_QUERY('AdminOrdersByEmail'),
};
export const ADMIN_ORDERS_BY_STATUS_AND_DATES: BenchmarkOperation = {
  ...ADMIN_ORDERS,
  name: 'AdminOrdersByStatusAndDates',
  title: 'admin orders(filter: { status, createdAfter, createdBefore })',
  query: ADMIN_ORDERS_QUERY('AdminOrdersByStatusAndDates'),
};
export const ADMIN_ORDERS_BY_VENDOR: BenchmarkOperation = {
  ...ADMIN_ORDERS,
  name: 'AdminOrdersByVendor',
  title: 'admin orders(filter: { vendorId })',
  query: ADMIN_ORDERS_QUERY('AdminOrdersByVendor'),
};

/** The same page with each order's timeline: what the console shows when an admin expands the results. */
export const ADMIN_ORDER_TIMELINES: BenchmarkOperation = {
  name: 'AdminOrderTimelines',
  title: 'admin orders(filter) with timelines',
  query: `query AdminOrderTimelines($first: Int!, $filter: OrderFilter) {
    orders(first: $first, filter: $filter) {
      totalCount
      edges { node { number status timeline { at kind status summary actor { kind user { id } } } } }
    }
  }`,
  page: (data) => data.orders.edges,
};
