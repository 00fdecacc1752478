import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import type { NotificationService } from './notification.service';
import { Paths, count, formatMoney } from './notification.text';

/**
 * What customers are told, from the checkout saga's events and the users subgraph's. Each
 * runs in the kit's transaction with its inbox row: a redelivered event is a no-op there, and
 * the notifications' unique key (event, recipient, kind) keeps a racing delivery from
 * creating a second one.
 */
export const customerNotificationHandlers = (notifications: NotificationService, recipients: RecipientService) => [
  eventHandler('notify-welcome', Events.UserRegistered, async (event, { manager }) => {
    const { userId, displayName } = event.payload;
    await notifications.create(manager, event.id, {
      recipientId: userId,
      kind: 'WELCOME',
      title: `Welcome to the marketplace, ${displayName}`,
      body: 'Browse agents, workflows and tools; what you buy appears under your licenses.',
      path: Paths.home(),
      data: {},
    });
  }),

  eventHandler('notify-order-receipt', Events.OrderPaid, async (event, { manager }) => {
    const { orderId, number, userId, total, items } = event.payload;
    await notifications.create(manager, event.id, {
      recipientId: userId,
      kind: 'ORDER_RECEIPT',
      title: `Order ${number} is paid`,
      body: `Thank you: ${formatMoney(total)} for ${count(items.length, 'item')} (${items.map((item) => item.name).join(', ')}). Your licenses are being issued.`,
      path: Paths.order(orderId),
      data: {
        orderId,
        number,
        total,
        items: items.map(({ productId, name, unitPrice }) => ({ productId, name, unitPrice })),
      },
    });
  }),

  eventHandler('notify-license-issued', Events.LicenseIssued, async (event, { manager }) => {
    const { licenseId, productId, ownerId, orderId } = event.payload;
    await notifications.create(manager, event.id, {
      recipientId: ownerId,
      kind: 'LICENSE_ISSUED',
      title: 'Your license is ready',
      body: 'A license of your order was issued: its key and downloads are on the license page.',
      path: Paths.license(licenseId),
      data: { licenseId, productId, orderId },
    });
  }),

  eventHandler('notify-payment-failed', Events.PaymentFailed, async (event, { manager }) => {
    const { orderId, paymentId, amount, reason } = event.payload;
    const order = await recipients.order(manager, orderId);
    await notifications.create(manager, event.id, {
      recipientId: order.userId,
      kind: 'PAYMENT_FAILED',
      title: `Payment of order ${order.number} failed`,
      body: `The payment of ${formatMoney(amount)} did not go through (${reason}). You may try again from the order page.`,
      path: Paths.order(orderId),
      data: { orderId, paymentId, number: order.number, amount, reason },
    });
  }),

  eventHandler('notify-refund-issued', Events.PaymentRefunded, async (event, { manager }) => {
    const { orderId, paymentId, amount, reason } = event.payload;
    const order = await recipients.order(manager, orderId);
    await notifications.create(manager, event.id, {
      recipientId: order.userId,
      kind: 'REFUND_ISSUED',
      title: `Order ${order.number} was refunded`,
      body: `${formatMoney(amount)} is on its way back to you (${reason}).`,
      path: Paths.order(orderId),
      data: { orderId, paymentId, number: order.number, amount, reason },
    });
  }),

  eventHandler('notify-license-revoked', Events.LicenseRevoked, async (event, { manager }) => {
    const { licenseId, productId, ownerId, orderId, reason } = event.payload;
    await notifications.create(manager, event.id, {
      recipientId: ownerId,
      kind: 'LICENSE_REVOKED',
      title: 'A license was revoked',
      body: `One of your licenses no longer works (${reason}); its activations and downloads stopped.`,
      path: Paths.license(licenseId),
      data: { licenseId, productId, orderId, reason },
    });
  }),
];
