import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ConnectionShape, PageFields, decodeCursor, toConnection } from '../pagination';
import { isTimeIdCursor } from '../validation';
import { queryRows } from './sql';

/** The columns a "newest first" list is ordered by: a time, then the id that breaks its ties. */
export type NewestFirstOrder = [time: string, id: string];

/** A "newest first" list in SQL. */
export interface NewestFirstQuery {
  /** What one row holds, e.g. `${ORDER_COLUMNS}`. */
  columns: string;
  /** The table, with its alias if `columns` uses one. */
  from: string;
  /** Which rows make the list, with `$1`… standing for `parameters`. */
  where: string;
  parameters: unknown[];
  orderBy: NewestFirstOrder;
  /**
   * Count the whole list only when the client selects `totalCount` (a getter the executor
   * awaits): for lists whose count reads far more than a page, so that paging through them
   * does not pay for it on every page.
   */
  lazyCount?: boolean;
  /** The list's size when `count(*)` of `where` would read too much (counters a trigger keeps). */
  count?: () => Promise<number>;
}

/**
 * One page of a "newest first" list, keyset-paged on (time, id): the count of the whole
 * list, then `first + 1` rows after the cursor (the extra one tells whether more follow).
 */
export function newestFirstPage<Row, Node extends { id: string }>(
  db: DataSource | EntityManager,
  query: NewestFirstQuery,
  page: PageFields,
  toNode: (row: Row) => Node,
  timeOf: (node: Node) => Date,
): Promise<ConnectionShape<Node>> {
  return timeIdPage(db, query, page, toNode, (node) => ({ time: timeOf(node), id: node.id }), 'DESC');
}

/**
 * A keyset page on (time, id) in either direction: newest first (`DESC`, feeds) or oldest
 * first (`ASC`, queues). `cursorOf` gives a node's time and id.
 */
export async function timeIdPage<Row, Node>(
  db: DataSource | EntityManager,
  query: NewestFirstQuery,
  page: PageFields,
  toNode: (row: Row) => Node,
  cursorOf: (node: Node) => { time: Date; id: string },
  direction: 'ASC' | 'DESC',
): Promise<ConnectionShape<Node>> {
  const countAll =
    query.count ??
    (async () => {
      const [{ count }] = await queryRows<{ count: number }>(
        db,
        `SELECT count(*)::int AS count FROM ${query.from} WHERE ${query.where}`,
        query.parameters,
      );
      return count;
    });
  const count = query.lazyCount ? 0 : await countAll();
  const [time, id] = query.orderBy;
  const parameters = [...query.parameters];
  let after = '';
  if (page.after) {
    parameters.push(...decodeCursor(page.after, 2, isTimeIdCursor));
    const beyond = direction === 'DESC' ? '<' : '>';
    after = ` AND (${time}, ${id}) ${beyond} ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`;
  }
  const rows = await queryRows<Row>(
    db,
    `SELECT ${query.columns} FROM ${query.from} WHERE (${query.where})${after} ORDER BY ${time} ${direction}, ${id} ${direction} LIMIT ${page.first + 1}`,
    parameters,
  );
  const connection = toConnection(rows.map(toNode), page, count, (node) => {
    const cursor = cursorOf(node);
    return [cursor.time.toISOString(), cursor.id];
  });
  if (!query.lazyCount) return connection;
  let counted: Promise<number> | undefined;
  return Object.defineProperty(connection, 'totalCount', { enumerable: true, get: () => (counted ??= countAll()) });
}

/** `newestFirstPage` for a TypeORM query of entities; `query` selects the whole list. */
export async function newestFirstEntities<Entity extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<Entity>,
  orderBy: NewestFirstOrder,
  page: PageFields,
  timeOf: (entity: Entity) => Date,
): Promise<ConnectionShape<Entity>> {
  const [time, id] = orderBy;
  const totalCount = await query.clone().getCount();
  if (page.after) {
    const [afterTime, afterId] = decodeCursor(page.after, 2, isTimeIdCursor);
    query.andWhere(`(${time}, ${id}) < (:afterTime, :afterId)`, { afterTime, afterId });
  }
  const rows = await query
    .orderBy(time, 'DESC')
    .addOrderBy(id, 'DESC')
    .take(page.first + 1)
    .getMany();
  return toConnection(rows, page, totalCount, (entity) => [timeOf(entity).toISOString(), entity.id]);
}
