import type { SubgraphModule } from '@marketplace/kit';
import { NotificationsConfig, readNotificationsConfig } from './config';
import { entityStubReferences } from './entity-stubs';
import { CreateNotifications1801000000000 } from './migrations/1801000000000-create-notifications';
import { adminNotificationHandlers } from './notification/admin-notifications.handlers';
import { customerNotificationHandlers } from './notification/customer-notifications.handlers';
import { moderationNotificationHandlers } from './notification/moderation-notifications.handlers';
import { notificationReferences } from './notification/notification.reference';
import { NotificationResolver, UserNotificationsResolver } from './notification/notification.resolver';
import { NotificationService } from './notification/notification.service';
import { NotificationSubscriptionResolver } from './notification/notification.subscription';
import { vendorNotificationHandlers } from './notification/vendor-notifications.handlers';
import { PreferenceResolver } from './preference/preference.resolver';
import { PreferenceService } from './preference/preference.service';
import { notificationPrivacyHandlers } from './privacy/privacy.handlers';
import { recipientHandlers } from './recipient/recipient.handlers';
import { RecipientService } from './recipient/recipient.service';

/**
 * In-app notifications (issue 21): made from the events on the backbone, read and marked
 * read by their owner, pushed live through the gateway (`notificationAdded`), and each
 * user's preferences per category and channel.
 */
export const notificationsSubgraph: SubgraphModule<NotificationsConfig> = {
  name: 'notifications',
  defaultPort: 4008,
  entities: [],
  migrations: [CreateNotifications1801000000000],
  resolvers: [UserNotificationsResolver, NotificationResolver, NotificationSubscriptionResolver, PreferenceResolver],
  readSettings: readNotificationsConfig,
  wire({ db, changes, afterCommit, log }, settings) {
    const preferences = new PreferenceService(db);
    const notifications = new NotificationService(db, preferences, changes, afterCommit, settings.appUrl, log);
    const recipients = new RecipientService();
    return {
      resolvers: [
        new UserNotificationsResolver(notifications),
        new NotificationResolver(notifications),
        new NotificationSubscriptionResolver(notifications, changes),
        new PreferenceResolver(preferences),
      ],
      references: { ...entityStubReferences, ...notificationReferences(notifications) },
      handlers: [
        ...recipientHandlers(),
        ...customerNotificationHandlers(notifications, recipients),
        ...vendorNotificationHandlers(notifications, recipients),
        ...adminNotificationHandlers(notifications, recipients),
        ...moderationNotificationHandlers(notifications, recipients),
        ...notificationPrivacyHandlers(),
      ],
    };
  },
};
