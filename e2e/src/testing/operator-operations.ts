import type { BenchmarkOperation } from './benchmark-operations';

/**
 * The operator console's order search (issue 20) as an admin's screen sends it: one page of
 * every customer's orders matching a filter, with the count, the customer and the lines.
 * Variants (bench/src/operator-orders.ts) search by email, by status and a date range, and by
 * vendor.
 */
export const ADMIN_ORDERS: BenchmarkOperation = {
  name: 'AdminOrders',
  title: 'admin orders(filter)',
  query: `query AdminOrders($first: Int!, $filter: OrderFilter) {
    orders(first: $first, filter: $filter) {
      totalCount
      edges { node { number status createdAt total { amount currency } owner { id } items { name vendor { displayName } } } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  page: (data) => data.orders.edges,
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
