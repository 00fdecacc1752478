import type { ReferenceResolvers } from '@marketplace/kit';
import type { NotificationService } from './notification.service';

/**
 * `Notification` representations (`node(id:)`), loaded in one batch per request tick: the
 * notification for its owner, null for anyone else (as for a missing one: nothing to probe).
 */
export const notificationReferences = (notifications: NotificationService): ReferenceResolvers => ({
  Notification: {
    __resolveReference: (reference: { id: string }, context) => notifications.find(context, reference.id),
  },
});
