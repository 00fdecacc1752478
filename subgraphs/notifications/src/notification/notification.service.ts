import {
  AfterCommit,
  ChangeFeed,
  ChangeTopics,
  ConnectionShape,
  Logger,
  PageFields,
  RequestContext,
  alignToKeys,
  defineLoader,
  forbidden,
  isUuid,
  lockUserForErasure,
  newestFirstPage,
  notFound,
  queryRows,
  requireViewer,
} from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { PreferenceService } from '../preference/preference.service';
import { NotificationKind, categoryOf } from './notification.catalog';
import { NOTIFICATION_COLUMNS, Notification, NotificationRow, toNotification } from './notification.type';

/** What a trigger hands over: the rest (category, id, time) is the service's. */
export interface NotificationDraft {
  recipientId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** A path of the web app (`/orders/…`), made absolute with `APP_URL`; null for none. */
  path: string | null;
  data: Record<string, unknown>;
}

/** At most this many ids in one `markNotificationsRead` (a page's worth). */
export const MAX_MARK_READ_IDS = 100;

/**
 * The in-app inbox: creates notifications from events (once per event, recipient and kind),
 * lists and counts them for their owner only, marks them read, and announces each new one on
 * its owner's change-feed topic once it committed (the gateway's `notificationAdded`).
 */
export class NotificationService {
  constructor(
    private readonly db: DataSource,
    private readonly preferences: PreferenceService,
    private readonly changes: ChangeFeed,
    private readonly afterCommit: AfterCommit,
    private readonly appUrl: string,
    private readonly log: Logger,
  ) {}

  /** Notifications by id, one query per request tick (`node(id:)`, `nodes(ids:)`). */
  readonly byId = defineLoader<string, Notification | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length
      ? await queryRows<NotificationRow>(
          this.db,
          `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = ANY($1::uuid[])`,
          [valid],
        )
      : [];
    return alignToKeys(ids, rows.map(toNotification), (notification) => notification.id);
  });

  /** Unread counts by user, one query per request tick. */
  readonly unreadCounts = defineLoader<string, number>(async (userIds) => {
    const rows = await queryRows<{ recipient_id: string; count: number }>(
      this.db,
      `SELECT recipient_id, count(*)::int AS count FROM notifications
        WHERE recipient_id = ANY($1::uuid[]) AND read_at IS NULL GROUP BY recipient_id`,
      [[...new Set(userIds)]],
    );
    const counts = new Map(rows.map((row) => [row.recipient_id, row.count]));
    return userIds.map((userId) => counts.get(userId) ?? 0);
  });

  /** Each user's newest notification, one query per request tick. */
  readonly newestOf = defineLoader<string, Notification | null>(async (userIds) => {
    const rows = await queryRows<NotificationRow>(
      this.db,
      `SELECT n.* FROM unnest($1::uuid[]) AS u(id)
         CROSS JOIN LATERAL (SELECT ${NOTIFICATION_COLUMNS} FROM notifications
                              WHERE recipient_id = u.id ORDER BY created_at DESC, id DESC LIMIT 1) n`,
      [[...new Set(userIds)]],
    );
    return alignToKeys(userIds, rows.map(toNotification), (notification) => notification.recipientId);
  });

  /** One notification, for its owner; null when unknown or someone else's, alike. */
  async find(context: RequestContext, id: string): Promise<Notification | null> {
    const notification = await this.byId(context).load(id);
    return notification && notification.recipientId === context.viewer?.id ? notification : null;
  }

  /**
   * Creates one notification in the event's transaction (the consumer's, with its inbox row).
   * Nothing when the recipient turned the category off in the app (never for a transactional
   * one), when the recipient was erased, or when it exists already (a redelivery, a race):
   * the unique key (event, recipient, kind) decides. Answers whether one was created.
   */
  async create(manager: EntityManager, sourceEventId: string, draft: NotificationDraft): Promise<boolean> {
    const category = categoryOf(draft.kind);
    if (!(await this.preferences.enabled(manager, draft.recipientId, category, 'inApp'))) return false;
    // Under the erasure's lock: either the erasure ran (and the user is on erased_users) or it
    // will run after this commits and delete what this wrote.
    await lockUserForErasure(manager, draft.recipientId);
    const inserted = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO notifications (recipient_id, category, kind, title, body, link, data, source_event_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
        WHERE NOT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1)
       ON CONFLICT ON CONSTRAINT notifications_once_key DO NOTHING RETURNING id`,
      [
        draft.recipientId,
        category,
        draft.kind,
        draft.title,
        draft.body,
        draft.path === null ? null : `${this.appUrl}${draft.path}`,
        JSON.stringify(draft.data),
        sourceEventId,
      ],
    );
    if (inserted.length === 0) return false;
    // The notice names the notification: the gateway pushes each one, even two created together.
    this.afterCommit.run(manager, () =>
      this.changes
        .publish(ChangeTopics.notifications(draft.recipientId), inserted[0].id)
        .catch((error: unknown) => this.log.warn({ err: error }, 'change feed: could not announce a notification')),
    );
    return true;
  }

  /** The user's notifications, newest first: for the user only (FORBIDDEN for anyone else, admins too). */
  list(
    context: RequestContext,
    userId: string,
    unreadOnly: boolean,
    page: PageFields,
  ): Promise<ConnectionShape<Notification>> {
    this.requireOwner(context, userId);
    return newestFirstPage<NotificationRow, Notification>(
      this.db,
      {
        columns: NOTIFICATION_COLUMNS,
        from: 'notifications',
        where: unreadOnly ? 'recipient_id = $1 AND read_at IS NULL' : 'recipient_id = $1',
        parameters: [userId],
        orderBy: ['created_at', 'id'],
        lazyCount: true,
      },
      page,
      toNotification,
      (notification) => notification.createdAt,
    );
  }

  unreadCount(context: RequestContext, userId: string): Promise<number> {
    this.requireOwner(context, userId);
    return this.unreadCounts(context).load(userId);
  }

  /** One of the user's notifications, for the user only (null for anyone else, as for a missing one). */
  async ofUser(context: RequestContext, userId: string, id: string): Promise<Notification | null> {
    if (context.viewer?.id !== userId) return null;
    const notification = await this.byId(context).load(id);
    return notification?.recipientId === userId ? notification : null;
  }

  /** The user's newest notification, for the user only (null for anyone else, as for none). */
  async newest(context: RequestContext, userId: string): Promise<Notification | null> {
    if (context.viewer?.id !== userId) return null;
    return this.newestOf(context).load(userId);
  }

  /**
   * Marks the viewer's notifications read: the ones named (each must be the viewer's, else
   * NOT_FOUND, as for a missing one) or all unread ones. One transaction: the unread count
   * answered is the one after the change, a notification arriving meanwhile counted in it.
   */
  async markRead(
    context: RequestContext,
    target: { notificationIds: string[] } | { all: true },
  ): Promise<{ notifications: Notification[]; unreadCount: number }> {
    const viewer = requireViewer(context);
    return this.db.transaction(async (manager) => {
      let rows: NotificationRow[];
      if ('all' in target) {
        rows = await queryRows<NotificationRow>(
          manager,
          `UPDATE notifications SET read_at = clock_timestamp()
            WHERE recipient_id = $1 AND read_at IS NULL RETURNING ${NOTIFICATION_COLUMNS}`,
          [viewer.id],
        );
        rows.sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id.localeCompare(a.id));
        rows = rows.slice(0, MAX_MARK_READ_IDS);
      } else {
        const ids = [...new Set(target.notificationIds)];
        rows = await queryRows<NotificationRow>(
          manager,
          `UPDATE notifications SET read_at = COALESCE(read_at, clock_timestamp())
            WHERE id = ANY($1::uuid[]) AND recipient_id = $2 RETURNING ${NOTIFICATION_COLUMNS}`,
          [ids, viewer.id],
        );
        // Someone else's or missing: NOT_FOUND (the transaction rolls back what was marked).
        if (rows.length !== ids.length) throw notFound('Notification');
        const position = new Map(ids.map((id, index) => [id, index]));
        rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
      }
      const [{ count }] = await queryRows<{ count: number }>(
        manager,
        `SELECT count(*)::int AS count FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`,
        [viewer.id],
      );
      return { notifications: rows.map(toNotification), unreadCount: count };
    });
  }

  private requireOwner(context: RequestContext, userId: string): void {
    const viewer = requireViewer(context);
    if (viewer.id !== userId) throw forbidden('Only the user may read their notifications');
  }
}
