import { Events, eventHandler } from '@marketplace/kit';
import type { CoPurchaseService } from './co-purchase.service';

/**
 * orders → catalog: a paid order's products were bought together; payments → catalog: a refund
 * or a lost dispute takes that back (once, whichever comes, both included).
 */
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
  eventHandler(
    'uncount-co-purchases-dispute-lost',
    Events.PaymentDisputeClosed,
    async ({ payload }, { manager, log }) => {
      // A won dispute leaves the sale standing; a lost one is a refund by the card network.
      if (payload.outcome !== 'LOST' || payload.orderCancelled) return;
      const uncounted = await coPurchases.refunded(manager, payload.orderId);
      log.info({ orderId: payload.orderId, uncounted }, 'co-purchases of a lost dispute uncounted');
    },
  ),
];
