import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import type { NotificationService } from './notification.service';
import { Paths, formatMoney } from './notification.text';

/** Reviews and payouts: what waits for the admins, and their answers to the vendor. */
export const moderationNotificationHandlers = (notifications: NotificationService, recipients: RecipientService) => [
  eventHandler('notify-admins-vendor-applied', Events.VendorApplied, async (event, { manager }) => {
    const { vendorId, userId, displayName } = event.payload;
    for (const adminId of await recipients.admins(manager)) {
      await notifications.create(manager, event.id, {
        recipientId: adminId,
        kind: 'VENDOR_APPLIED',
        title: `${displayName} applied to sell`,
        body: 'A vendor application waits in the moderation queue.',
        path: Paths.moderation(),
        data: { vendorId, userId, displayName },
      });
    }
  }),

  eventHandler('notify-admins-product-submitted', Events.ProductSubmittedForReview, async (event, { manager }) => {
    const { productId, vendorId, name } = event.payload;
    for (const adminId of await recipients.admins(manager)) {
      await notifications.create(manager, event.id, {
        recipientId: adminId,
        kind: 'PRODUCT_SUBMITTED',
        title: `${name} waits for review`,
        body: 'A product was submitted for review; it waits in the moderation queue.',
        path: Paths.moderation(),
        data: { productId, vendorId, name },
      });
    }
  }),

  eventHandler('notify-product-moderated', Events.ProductModerated, async (event, { manager }) => {
    const { productId, vendorId, userId, name, decision, reason } = event.payload;
    const approved = decision === 'APPROVED';
    await notifications.create(manager, event.id, {
      recipientId: userId,
      kind: approved ? 'PRODUCT_APPROVED' : 'PRODUCT_REJECTED',
      title: approved ? `${name} is in the storefront` : `${name} was not approved`,
      body: approved
        ? 'Your product passed review: customers can buy it now.'
        : `The reason given: ${reason ?? 'none'}. Change it and submit it again.`,
      path: Paths.vendorProduct(productId),
      data: { productId, vendorId, name, decision, reason },
    });
  }),

  eventHandler('notify-payout-settled', Events.PayoutSettled, async (event, { manager }) => {
    const { payoutId, vendorId, userId, status, amount, reason } = event.payload;
    const paid = status === 'PAID';
    await notifications.create(manager, event.id, {
      recipientId: userId,
      kind: paid ? 'PAYOUT_PAID' : 'PAYOUT_REJECTED',
      title: paid ? `Payout of ${formatMoney(amount)} sent` : `Payout of ${formatMoney(amount)} rejected`,
      body: paid
        ? 'The money is on its way to your account.'
        : `The reason given: ${reason ?? 'none'}. The amount is available again.`,
      path: Paths.vendorPayouts(),
      data: { payoutId, vendorId, status, amount, reason },
    });
  }),
];
