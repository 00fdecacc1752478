import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import { mail } from '../email/email.channel';
import type { Notifier } from './notifier';
import { Paths, formatMoney } from './notification.text';

/** Reviews and payouts: what waits for the admins, and their answers to the vendor. */
export const moderationNotificationHandlers = (notify: Notifier, recipients: RecipientService) => [
  eventHandler('notify-admins-vendor-applied', Events.VendorApplied, async (event, { manager }) => {
    const { vendorId, userId, displayName } = event.payload;
    const applicantEmail = (await recipients.contact(manager, userId))?.email ?? 'address not known yet';
    await notify.sendToAdmins(
      manager,
      event.id,
      {
        kind: 'VENDOR_APPLIED',
        title: `${displayName} applied to sell`,
        body: 'A vendor application waits in the moderation queue.',
        path: Paths.moderation(),
        data: { vendorId, userId, displayName },
      },
      mail('vendorApplication', { vendorName: displayName, applicantEmail }),
    );
  }),

  eventHandler('notify-admins-product-submitted', Events.ProductSubmittedForReview, async (event, { manager }) => {
    const { productId, vendorId, name } = event.payload;
    const vendorName = (await recipients.vendorName(manager, vendorId)) ?? 'A vendor';
    await notify.sendToAdmins(
      manager,
      event.id,
      {
        kind: 'PRODUCT_SUBMITTED',
        title: `${name} waits for review`,
        body: 'A product was submitted for review; it waits in the moderation queue.',
        path: Paths.moderation(),
        data: { productId, vendorId, name },
      },
      mail('productSubmitted', { productName: name, vendorName }),
    );
  }),

  eventHandler('notify-product-moderated', Events.ProductModerated, async (event, { manager }) => {
    const { productId, vendorId, userId, name, slug, decision, reason } = event.payload;
    const approved = decision === 'APPROVED';
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: approved ? 'PRODUCT_APPROVED' : 'PRODUCT_REJECTED',
        title: approved ? `${name} is in the storefront` : `${name} was not approved`,
        body: approved
          ? 'Your product passed review: customers can buy it now.'
          : `The reason given: ${reason ?? 'none'}. Change it and submit it again.`,
        path: Paths.vendorProduct(productId),
        data: { productId, vendorId, name, decision, reason },
      },
      approved
        ? mail('productApproved', { productId, productName: name, productSlug: slug })
        : mail('productRejected', { productId, productName: name, productSlug: slug, reason: reason ?? 'none given' }),
    );
  }),

  eventHandler('notify-payout-settled', Events.PayoutSettled, async (event, { manager }) => {
    const { payoutId, vendorId, userId, status, amount, reason } = event.payload;
    const paid = status === 'PAID';
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: paid ? 'PAYOUT_PAID' : 'PAYOUT_REJECTED',
        title: paid ? `Payout of ${formatMoney(amount)} sent` : `Payout of ${formatMoney(amount)} rejected`,
        body: paid
          ? 'The money is on its way to your account.'
          : `The reason given: ${reason ?? 'none'}. The amount is available again.`,
        path: Paths.vendorPayouts(),
        data: { payoutId, vendorId, status, amount, reason },
      },
      paid
        ? mail('payoutPaid', { payoutId, amount })
        : mail('payoutRejected', { payoutId, amount, reason: reason ?? 'none given' }),
    );
  }),
];
