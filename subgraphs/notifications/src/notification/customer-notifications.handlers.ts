import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import { mail } from '../email/email.channel';
import { appLink } from '@marketplace/kit/mail-layout';
import type { Notifier } from './notifier';
import { Amount, Paths, count, formatMoney } from './notification.text';

/**
 * What customers are told, from the checkout saga's events and the users subgraph's. Each
 * runs in the kit's transaction with its inbox row: a redelivered event is a no-op there, and
 * the unique keys (event, recipient, kind) of notifications and mails keep a racing delivery
 * from making a second one. The receipt mail waits for `order.licensed`: it carries the keys.
 */
export const customerNotificationHandlers = (notify: Notifier, recipients: RecipientService, appUrl: string) => [
  eventHandler('notify-welcome', Events.UserRegistered, async (event, { manager }) => {
    const { userId, displayName } = event.payload;
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: 'WELCOME',
        title: `Welcome to the marketplace, ${displayName}`,
        body: 'Browse agents, workflows and tools; what you buy appears under your licenses.',
        path: Paths.home(),
        data: {},
      },
      mail('welcome', {}),
    );
  }),

  eventHandler('notify-order-receipt', Events.OrderPaid, async (event, { manager }) => {
    const { orderId, number, userId, total, items } = event.payload;
    await notify.send(manager, event.id, {
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
    await notify.send(manager, event.id, {
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
    await notify.send(
      manager,
      event.id,
      {
        recipientId: order.userId,
        kind: 'PAYMENT_FAILED',
        title: `Payment of order ${order.number} failed`,
        body: `The payment of ${formatMoney(amount)} did not go through (${reason}). You may try again from the order page.`,
        path: Paths.order(orderId),
        data: { orderId, paymentId, number: order.number, amount, reason },
      },
      mail('paymentFailed', { orderId, orderNumber: order.number, total: amount, reason }),
    );
  }),

  eventHandler('notify-refund-issued', Events.PaymentRefunded, async (event, { manager }) => {
    const { orderId, paymentId, reason, lines } = event.payload;
    const order = await recipients.order(manager, orderId);
    // After partial refunds, only the lines left went back now (`lines`); without them, the whole payment.
    const amount = lines ? sumOf(lines) : event.payload.amount;
    const productNames = lines ? namesOf(order.items, lines) : undefined;
    await notify.send(
      manager,
      event.id,
      {
        recipientId: order.userId,
        kind: 'REFUND_ISSUED',
        title: `Order ${order.number} was refunded`,
        body: `${formatMoney(amount)} is on its way back to you (${reason}).`,
        path: Paths.order(orderId),
        data: { orderId, paymentId, number: order.number, amount, reason },
      },
      mail('refundIssued', { orderId, orderNumber: order.number, amount, productNames }),
    );
  }),

  eventHandler('notify-partial-refund-issued', Events.PaymentPartiallyRefunded, async (event, { manager }) => {
    const { orderId, paymentId, refunded, reason, lines } = event.payload;
    const order = await recipients.order(manager, orderId);
    const productNames = namesOf(order.items, lines);
    await notify.send(
      manager,
      event.id,
      {
        recipientId: order.userId,
        kind: 'REFUND_ISSUED',
        title: `Part of order ${order.number} was refunded`,
        body: `${formatMoney(refunded)} for ${productNames.join(', ')} is on its way back to you (${reason}). The rest of the order stays yours.`,
        path: Paths.order(orderId),
        data: {
          orderId,
          paymentId,
          number: order.number,
          amount: refunded,
          reason,
          productIds: lines.map((line) => line.productId),
        },
      },
      mail('refundIssued', { orderId, orderNumber: order.number, amount: refunded, productNames }),
    );
  }),

  eventHandler('notify-license-revoked', Events.LicenseRevoked, async (event, { manager }) => {
    const { licenseId, productId, ownerId, orderId, reason } = event.payload;
    const order = await recipients.findOrder(manager, orderId);
    const productName = order?.items.find((item) => item.productId === productId)?.name ?? 'a product';
    await notify.send(
      manager,
      event.id,
      {
        recipientId: ownerId,
        kind: 'LICENSE_REVOKED',
        title: 'A license was revoked',
        body: `One of your licenses no longer works (${reason}); its activations and downloads stopped.`,
        path: Paths.license(licenseId),
        data: { licenseId, productId, orderId, reason },
      },
      mail('licenseRevoked', { productName, orderNumber: order?.number ?? '-', reason }),
    );
  }),

  // The receipt mail: sent once licensing issued the order's licenses, so it can show their keys.
  eventHandler('mail-order-receipt', Events.OrderLicensed, async (event, { manager }) => {
    const { orderId, number, userId, total, items, licenses } = event.payload;
    const priceOf = new Map(items.map((item) => [item.productId, item]));
    await notify.mail(
      manager,
      event.id,
      userId,
      'ORDER_RECEIPT',
      mail('orderReceipt', {
        orderId,
        orderNumber: number,
        total,
        lines: licenses.map((license) => ({
          productName: priceOf.get(license.productId)?.name ?? license.productId,
          paid: paidFor(priceOf.get(license.productId)) ?? { amount: 0, currency: total.currency },
          licenseKey: license.licenseKey,
          downloadUrl: appLink(appUrl, Paths.license(license.licenseId)),
        })),
      }),
    );
  }),

  eventHandler('notify-price-drop', Events.ProductPriceDropped, async (event, { manager }) => {
    const { productId, slug, name, previousPrice, price, userIds } = event.payload;
    for (const userId of userIds) {
      await notify.send(
        manager,
        event.id,
        {
          recipientId: userId,
          kind: 'PRICE_DROP',
          title: `${name} is now ${formatMoney(price)}`,
          body: `A product on your wishlist got cheaper: ${formatMoney(previousPrice)} → ${formatMoney(price)}.`,
          path: Paths.product(slug),
          data: { productId, slug, previousPrice, price },
        },
        mail('priceDrop', { productName: name, productSlug: slug, previousPrice, price }),
      );
    }
  }),
];

type RefundedLine = { productId: string; amount: { amount: number; currency: string } };

const sumOf = (lines: RefundedLine[]) => ({
  amount: lines.reduce((total, line) => total + line.amount.amount, 0),
  currency: lines[0].amount.currency,
});

/** The refunded lines' product names as sold on the order. */
const namesOf = (items: { productId: string; name: string }[], lines: RefundedLine[]): string[] =>
  lines.map((line) => items.find((item) => item.productId === line.productId)?.name ?? 'a product');

/** What a line cost the buyer: its total (discounts and tax included), or its price for orders before line totals. */
function paidFor(item: { unitPrice: Amount; total?: Amount } | undefined): Amount | undefined {
  return item && (item.total ?? item.unitPrice);
}
