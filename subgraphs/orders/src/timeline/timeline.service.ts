import {
  RequestContext,
  Role,
  Viewer,
  defineLoader,
  forbidden,
  isSelfOrAdmin,
  unauthenticated,
} from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import { User } from '../entity-stubs';
import type { Order } from '../order/order.type';
import { TimelineRow, timelinesOf } from './timeline.store';
import { OrderTimelineActorKind, OrderTimelineEntry } from './timeline.type';

/** `Order.timeline`: reading it, for the order's owner and admins. */
export class TimelineService {
  constructor(private readonly db: DataSource) {}

  /** The timelines of every order in a response, one query. */
  readonly byOrderId = defineLoader<string, TimelineRow[]>(async (ids) => {
    const groups = await timelinesOf(this.db, ids);
    return ids.map((id) => groups.get(id) ?? []);
  });

  /**
   * The order's timeline, oldest first. Whoever sees the order sees it (its owner and admins);
   * anyone else (only reachable if an order ever reached them) gets UNAUTHENTICATED or FORBIDDEN.
   */
  async of(context: RequestContext, order: Order): Promise<OrderTimelineEntry[]> {
    if (!context.viewer) throw unauthenticated();
    if (!isSelfOrAdmin(context.viewer, order.userId))
      throw forbidden("Only the order's owner or an admin may read its timeline");
    const rows = await this.byOrderId(context).load(order.id);
    return rows.map((row) => toEntry(row, context.viewer!));
  }
}

function toEntry(row: TimelineRow, viewer: Viewer): OrderTimelineEntry {
  const kind =
    row.actorKind === 'USER'
      ? (row.actorRole as unknown as OrderTimelineActorKind)
      : (row.actorKind as OrderTimelineActorKind);
  // A customer learns that an admin acted on their order, not which admin.
  const named = row.actorUserId && (viewer.role === Role.ADMIN || row.actorUserId === viewer.id);
  return Object.assign(new OrderTimelineEntry(), {
    at: row.at,
    kind: row.kind,
    status: row.status,
    summary: row.summary,
    actor: { kind, user: named ? User.of(row.actorUserId!) : null },
  });
}
