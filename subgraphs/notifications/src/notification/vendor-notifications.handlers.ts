import { Events, eventHandler } from '@marketplace/kit';
import type { RecipientService } from '../recipient/recipient.service';
import { mail } from '../email/email.channel';
import type { Notifier } from './notifier';
import { Paths, count, formatMoney } from './notification.text';

/** What vendors are told: their application's answer, their sales, disputes of their sales. */
export const vendorNotificationHandlers = (notify: Notifier, recipients: RecipientService) => [
  eventHandler('notify-vendor-approved', Events.VendorApproved, async (event, { manager }) => {
    const { vendorId, userId, displayName, commissionBps } = event.payload;
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: 'VENDOR_APPROVED',
        title: `${displayName} may now sell`,
        body: `Your vendor application was approved (commission ${(commissionBps / 100).toFixed(2)} %). Create your first product from your dashboard.`,
        path: Paths.vendorDashboard(),
        data: { vendorId, commissionBps },
      },
      mail('vendorApproved', { vendorName: displayName }),
    );
  }),

  eventHandler('notify-vendor-rejected', Events.VendorRejected, async (event, { manager }) => {
    const { vendorId, userId, reason } = event.payload;
    const vendorName = (await recipients.vendorName(manager, vendorId)) ?? 'your business';
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: 'VENDOR_REJECTED',
        title: 'Your vendor application was not approved',
        body: `The reason given: ${reason}`,
        path: Paths.vendorApplication(),
        data: { vendorId, reason },
      },
      mail('vendorRejected', { vendorName, reason }),
    );
  }),

  eventHandler('notify-new-sale', Events.VendorSaleCredited, async (event, { manager }) => {
    const { vendorId, userId, orderId, number, gross, commission, net, items } = event.payload;
    await notify.send(
      manager,
      event.id,
      {
        recipientId: userId,
        kind: 'NEW_SALE',
        title: `New sale: ${formatMoney(net)}`,
        body: `Order ${number}: ${count(items.length, 'item')} (${items.map((item) => item.name).join(', ')}) for ${formatMoney(gross)}, ${formatMoney(commission)} commission, ${formatMoney(net)} to you.`,
        path: Paths.vendorDashboard(),
        data: { vendorId, orderId, number, gross, commission, net, items },
      },
      mail('newSale', {
        productName: items.map((item) => item.name).join(', '),
        orderNumber: number,
        gross,
        commission,
        net,
      }),
    );
  }),

  eventHandler('notify-sale-disputed', Events.PaymentDisputed, async (event, { manager }) => {
    const { orderId, paymentId, amount, reason } = event.payload;
    const order = await recipients.order(manager, orderId);
    for (const vendor of await recipients.vendors(manager, order.vendorIds)) {
      await notify.send(
        manager,
        event.id,
        {
          recipientId: vendor.userId,
          kind: 'SALE_DISPUTED',
          title: `Order ${order.number} is disputed`,
          body: `The customer's bank disputes the payment of ${formatMoney(amount)} (${reason}); the licenses of the order are suspended until it is settled.`,
          path: Paths.vendorDashboard(),
          data: { vendorId: vendor.vendorId, orderId, paymentId, number: order.number, amount, reason },
        },
        mail('vendorDisputeOpened', { orderNumber: order.number, amount, reason }),
      );
    }
  }),
];
