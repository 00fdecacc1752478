import { Events, eventHandler } from '@marketplace/kit';
import type { CoPurchaseService } from './co-purchase.service';

/** orders → catalog: a paid order's products were bought together; payments → catalog: a refund takes that back. */
export const coPurchaseHandlers = (coPurchases: CoPurchaseService) => [
  eventHandler('count-co-purchases', Events.OrderPaid, async ({ payload }, { manager, log }) => {
    const counted = await coPurchases.paid(manager, payload);
    log.info({ orderId: payload.orderId, counted }, 'co-purchases counted');
  }),
  eventHandler('uncount-co-purchases', Events.PaymentRefunded, async ({ payload }, { manager, log }) => {
    // Money for an order that was cancelled first: it was never paid, so never counted.
    if (payload.orderCancelled) return;
    const uncounted = await coPurchases.refunded(manager, payload.orderId);
    log.info({ orderId: payload.orderId, uncounted }, 'co-purchases of a refunded order uncounted');
  }),
];
