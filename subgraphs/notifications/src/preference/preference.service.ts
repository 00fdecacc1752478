import { InputCheck, RequestContext, defineLoader, forbidden, queryRows, requireViewer } from '@marketplace/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { CATEGORY_NAMES, NotificationCategory, isTransactional } from '../notification/notification.catalog';
import { NotificationPreference, NotificationPreferenceInput } from './preference.type';

interface PreferenceRow {
  user_id: string;
  category: NotificationCategory;
  in_app: boolean;
  email: boolean;
}

/**
 * Each user's channels per category. A row exists only for a category the user changed;
 * every channel is on until then. Transactional categories are always on: refused on input,
 * and ignored on read should a row say otherwise.
 */
export class PreferenceService {
  constructor(private readonly db: DataSource) {}

  /** Every category's preference of each user, one query per request tick. */
  readonly ofUsers = defineLoader<string, NotificationPreference[]>(async (userIds) => {
    const rows = await queryRows<PreferenceRow>(
      this.db,
      `SELECT user_id, category, in_app, email FROM notification_preferences WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return userIds.map((userId) => toPreferences(rows.filter((row) => row.user_id === userId)));
  });

  /** The user's preferences, for the user only (FORBIDDEN for anyone else, admins too). */
  list(context: RequestContext, userId: string): Promise<NotificationPreference[]> {
    const viewer = requireViewer(context);
    if (viewer.id !== userId) throw forbidden('Only the user may read their notification preferences');
    return this.ofUsers(context).load(userId);
  }

  /** Whether the user wants `category` on `channel`, read in the creating transaction (transactional ones always). */
  async enabled(
    manager: EntityManager,
    userId: string,
    category: NotificationCategory,
    channel: 'inApp' | 'email',
  ): Promise<boolean> {
    if (isTransactional(category)) return true;
    const [row] = await queryRows<{ in_app: boolean; email: boolean }>(
      manager,
      `SELECT in_app, email FROM notification_preferences WHERE user_id = $1 AND category = $2`,
      [userId, category],
    );
    return row ? (channel === 'inApp' ? row.in_app : row.email) : true;
  }

  /**
   * Turns email of `category` off for the user, in-app left as it was: what a one-click
   * unsubscribe does. Nothing for a transactional category (no link is made for one).
   */
  async unsubscribe(userId: string, category: NotificationCategory): Promise<void> {
    if (isTransactional(category)) return;
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, category, in_app, email)
       SELECT $1, $2, true, false WHERE NOT EXISTS (SELECT 1 FROM erased_users WHERE user_id = $1)
       ON CONFLICT (user_id, category) DO UPDATE SET email = false, updated_at = now()`,
      [userId, category],
    );
  }

  /** Sets the viewer's channels of the categories named; answers every category after the change. */
  async update(context: RequestContext, preferences: NotificationPreferenceInput[]): Promise<NotificationPreference[]> {
    const viewer = requireViewer(context);
    const check = new InputCheck();
    const seen = new Set<NotificationCategory>();
    preferences.forEach((preference, index) => {
      const field = `input.preferences.${index}`;
      if (seen.has(preference.category)) check.add(`${field}.category`, 'names a category already named');
      seen.add(preference.category);
      if (isTransactional(preference.category)) {
        if (!preference.inApp) check.add(`${field}.inApp`, `${preference.category} notifications cannot be turned off`);
        if (!preference.email) check.add(`${field}.email`, `${preference.category} notifications cannot be turned off`);
      }
    });
    if (preferences.length === 0) check.add('input.preferences', 'must name at least one category');
    check.done();
    return this.db.transaction(async (manager) => {
      for (const preference of preferences) {
        await manager.query(
          `INSERT INTO notification_preferences (user_id, category, in_app, email) VALUES ($1, $2, $3, $4)
           ON CONFLICT (user_id, category) DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, updated_at = now()`,
          [viewer.id, preference.category, preference.inApp, preference.email],
        );
      }
      const rows = await queryRows<PreferenceRow>(
        manager,
        `SELECT user_id, category, in_app, email FROM notification_preferences WHERE user_id = $1`,
        [viewer.id],
      );
      return toPreferences(rows);
    });
  }
}

function toPreferences(rows: PreferenceRow[]): NotificationPreference[] {
  return CATEGORY_NAMES.map((category) => {
    const row = rows.find((candidate) => candidate.category === category);
    const transactional = isTransactional(category);
    return Object.assign(new NotificationPreference(), {
      category,
      transactional,
      inApp: transactional || (row?.in_app ?? true),
      email: transactional || (row?.email ?? true),
    });
  });
}
