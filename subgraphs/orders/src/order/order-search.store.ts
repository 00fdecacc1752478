import { ConnectionShape, PageFields, newestFirstPage, queryRows } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { CheckedOrderFilter } from './order-filter.validation';
import { ORDER_COLUMNS, toOrder } from './order.store';
import type { Order } from './order.type';

/** `%`, `_` and `\` typed by people match themselves in a LIKE pattern. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The WHERE clause of a filter over `orders o`, one condition per field given, each served
 * by an index of migration 1800200000000 (see docs/benchmarks.md for the plans): lines through
 * semi-joins on `order_items`, emails through the `customers` replica.
 */
export function whereOf(filter: CheckedOrderFilter, ownerId: string | null): { where: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const param = (value: unknown) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  if (ownerId) conditions.push(`o.user_id = ${param(ownerId)}`);
  if (filter.status) conditions.push(`o.status = ${param(filter.status)}`);
  if (filter.createdAfter) conditions.push(`o.created_at >= ${param(filter.createdAfter)}`);
  if (filter.createdBefore) conditions.push(`o.created_at < ${param(filter.createdBefore)}`);
  if (filter.minTotal) {
    conditions.push(`o.currency = ${param(filter.minTotal.currency)}`);
    conditions.push(`o.total_amount >= ${param(filter.minTotal.amount)}`);
  }
  if (filter.vendorId) {
    conditions.push(`o.id IN (SELECT i.order_id FROM order_items i WHERE i.vendor_id = ${param(filter.vendorId)})`);
  }
  if (filter.productId) {
    conditions.push(`o.id IN (SELECT i.order_id FROM order_items i WHERE i.product_id = ${param(filter.productId)})`);
  }
  const search = filter.search;
  if (search?.by === 'number') conditions.push(`o.number = ${param(search.exact)}`);
  if (search?.by === 'numberPrefix') conditions.push(`o.number LIKE ${param(likePrefix(search.prefix))}`);
  if (search?.by === 'email') {
    conditions.push(
      `o.user_id IN (SELECT c.user_id FROM customers c WHERE c.email LIKE ${param(likePrefix(search.prefix))})`,
    );
  }
  return { where: conditions.length ? conditions.join(' AND ') : 'true', parameters };
}

/**
 * One page of a filtered list, newest first, keyset-paged on (created_at, id). The count runs
 * only when a client selects `totalCount` (a getter the executor awaits), so paging through
 * results does not pay for it on every page.
 */
export function orderPage(
  db: DataSource,
  filter: CheckedOrderFilter,
  ownerId: string | null,
  page: PageFields,
): Promise<ConnectionShape<Order>> {
  const { where, parameters } = whereOf(filter, ownerId);
  return newestFirstPage(
    db,
    {
      columns: ORDER_COLUMNS,
      from: 'orders o',
      where,
      parameters,
      orderBy: ['o.created_at', 'o.id'],
      lazyCount: true,
      count: () => countOf(db, filter, ownerId, where, parameters),
    },
    page,
    toOrder,
    (order) => order.createdAt,
  );
}

/**
 * The list's size. Every order, or every order of one status, would mean reading them all:
 * those come from the per-status counts a trigger keeps, plus the changes not folded into them
 * yet (migration 1800200000000). Any other
 * filter narrows through an index first, so counting its rows reads only those.
 */
async function countOf(
  db: DataSource,
  filter: CheckedOrderFilter,
  ownerId: string | null,
  where: string,
  parameters: unknown[],
): Promise<number> {
  const narrowed = Object.entries(filter).some(([field, value]) => field !== 'status' && value !== null);
  const [row] =
    ownerId || narrowed
      ? await queryRows<{ count: number }>(db, `SELECT count(*)::int AS count FROM orders o WHERE ${where}`, parameters)
      : await queryRows<{ count: number }>(
          db,
          // One statement, one snapshot: a fold in between moves changes into the counts atomically.
          `SELECT (coalesce((SELECT sum(count) FROM order_status_counts WHERE $1::text IS NULL OR status = $1), 0)
                 + coalesce((SELECT sum(delta) FROM order_status_count_changes WHERE $1::text IS NULL OR status = $1), 0))::int AS count`,
          [filter.status],
        );
  return row.count;
}
