import type { DataSource, EntityManager } from 'typeorm';
import type { ConnectionShape, PageFields } from '../pagination';
import { NewestFirstQuery, timeIdPage } from './newest-first';

/**
 * One page of an "oldest first" list (a queue: what waited longest comes first), keyset-paged
 * on (time, id) like `newestFirstPage`, ascending. `cursorOf` gives a node's time and id.
 */
export function oldestFirstPage<Row, Node>(
  db: DataSource | EntityManager,
  query: NewestFirstQuery,
  page: PageFields,
  toNode: (row: Row) => Node,
  cursorOf: (node: Node) => { time: Date; id: string },
): Promise<ConnectionShape<Node>> {
  return timeIdPage(db, query, page, toNode, cursorOf, 'ASC');
}
