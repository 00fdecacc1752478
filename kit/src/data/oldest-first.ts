import type { DataSource, EntityManager } from 'typeorm';
import { ConnectionShape, PageFields, decodeCursor, toConnection } from '../pagination';
import { isTimeIdCursor } from '../validation';
import type { NewestFirstQuery } from './newest-first';
import { queryRows } from './sql';

/**
 * One page of an "oldest first" list (a queue: what waited longest comes first), keyset-paged
 * on (time, id) like `newestFirstPage`, ascending. `cursorOf` gives a node's time and id.
 */
export async function oldestFirstPage<Row, Node>(
  db: DataSource | EntityManager,
  query: NewestFirstQuery,
  page: PageFields,
  toNode: (row: Row) => Node,
  cursorOf: (node: Node) => { time: Date; id: string },
): Promise<ConnectionShape<Node>> {
  const [{ count }] = await queryRows<{ count: number }>(
    db,
    `SELECT count(*)::int AS count FROM ${query.from} WHERE ${query.where}`,
    query.parameters,
  );
  const [time, id] = query.orderBy;
  const parameters = [...query.parameters];
  let after = '';
  if (page.after) {
    parameters.push(...decodeCursor(page.after, 2, isTimeIdCursor));
    after = ` AND (${time}, ${id}) > ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`;
  }
  const rows = await queryRows<Row>(
    db,
    `SELECT ${query.columns} FROM ${query.from} WHERE (${query.where})${after} ORDER BY ${time}, ${id} LIMIT ${page.first + 1}`,
    parameters,
  );
  return toConnection(rows.map(toNode), page, count, (node) => {
    const { time: at, id: key } = cursorOf(node);
    return [at.toISOString(), key];
  });
}
