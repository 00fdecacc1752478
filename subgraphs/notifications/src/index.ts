import { SubgraphModule, UrlTokenSigner, createMailDelivery } from '@marketplace/kit';
import { NotificationsConfig, readNotificationsConfig } from './config';
import { EmailChannel } from './email/email.channel';
import { UnsubscribeLinks } from './email/unsubscribe.links';
import { unsubscribeRoutes } from './email/unsubscribe.routes';
import { MailDeliveryResolver } from './mail-delivery/mail-delivery.resolver';
import { MailDeliveryService } from './mail-delivery/mail-delivery.service';
import { entityStubReferences } from './entity-stubs';
import { CreateNotifications1801000000000 } from './migrations/1801000000000-create-notifications';
import { MailOutbox1801100000000 } from './migrations/1801100000000-mail-outbox';
import { adminNotificationHandlers } from './notification/admin-notifications.handlers';
import { customerNotificationHandlers } from './notification/customer-notifications.handlers';
import { moderationNotificationHandlers } from './notification/moderation-notifications.handlers';
import { notificationReferences } from './notification/notification.reference';
import { NotificationResolver, UserNotificationsResolver } from './notification/notification.resolver';
import { NotificationService } from './notification/notification.service';
import { NotificationSubscriptionResolver } from './notification/notification.subscription';
import { Notifier } from './notification/notifier';
import { vendorNotificationHandlers } from './notification/vendor-notifications.handlers';
import { PreferenceResolver } from './preference/preference.resolver';
import { PreferenceService } from './preference/preference.service';
import { notificationPrivacyHandlers } from './privacy/privacy.handlers';
import { recipientHandlers } from './recipient/recipient.handlers';
import { RecipientService } from './recipient/recipient.service';

/**
 * Notifications (issue 21): made from the events on the backbone, in the app (read and marked
 * read by their owner, pushed live through the gateway's `notificationAdded`) and by email
 * (queued in the event's transaction, sent by the kit's mail dispatcher), each on the user's
 * preferences per category and channel.
 */
export const notificationsSubgraph: SubgraphModule<NotificationsConfig> = {
  name: 'notifications',
  defaultPort: 4008,
  entities: [],
  migrations: [CreateNotifications1801000000000, MailOutbox1801100000000],
  resolvers: [
    UserNotificationsResolver,
    NotificationResolver,
    NotificationSubscriptionResolver,
    PreferenceResolver,
    MailDeliveryResolver,
  ],
  readSettings: readNotificationsConfig,
  wire({ db, changes, afterCommit, log, metrics, config }, settings) {
    const preferences = new PreferenceService(db);
    const notifications = new NotificationService(db, preferences, changes, afterCommit, settings.appUrl, log);
    const recipients = new RecipientService();
    const unsubscribeLinks = new UnsubscribeLinks(new UrlTokenSigner(settings.urlSigningSecret), settings.publicUrl);
    const mail = createMailDelivery(
      { db, afterCommit, log, metrics, development: config.environment === 'development' },
      settings.mail,
      settings.delivery,
    );
    const email =
      mail.outbox &&
      new EmailChannel(mail.outbox, preferences, recipients, unsubscribeLinks, {
        appName: settings.mail.appName,
        appUrl: settings.appUrl,
      });
    const notify = new Notifier(notifications, email, recipients);
    return {
      resolvers: [
        new UserNotificationsResolver(notifications),
        new NotificationResolver(notifications),
        new NotificationSubscriptionResolver(notifications, changes),
        new PreferenceResolver(preferences),
        new MailDeliveryResolver(new MailDeliveryService(db)),
      ],
      references: { ...entityStubReferences, ...notificationReferences(notifications) },
      handlers: [
        ...recipientHandlers(),
        ...customerNotificationHandlers(notify, recipients, settings.appUrl),
        ...vendorNotificationHandlers(notify, recipients),
        ...adminNotificationHandlers(notify, recipients),
        ...moderationNotificationHandlers(notify, recipients),
        ...notificationPrivacyHandlers(),
      ],
      routes: unsubscribeRoutes(unsubscribeLinks, preferences, log),
      async start() {
        mail.start();
      },
      close: mail.close,
    };
  },
};

export { renderTemplate } from './mail-templates/mail-templates';
export { MAIL_TEMPLATE_SAMPLES } from './mail-templates/mail-template.samples';
