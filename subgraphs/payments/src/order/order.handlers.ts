import { Events, eventHandler } from '@marketplace/kit';
import type { RefundService } from '../payment/refund.service';
import type { PaymentService } from '../payment/payment.service';
import { PaymentStatus } from '../payment/payment.type';
import type { OrderReplicaService } from './order-replica.service';

/** Orders tells payments what may be charged (order.created) and what may no longer be (order.cancelled). */
export const orderHandlers = (orders: OrderReplicaService, payments: PaymentService, refunds: RefundService) => [
  eventHandler('record-order-created', Events.OrderCreated, async ({ payload }, { manager, log }) => {
    if (!(await orders.created(manager, payload)))
      log.warn(
        { orderId: payload.orderId },
        "order lines do not add up to the order's total; it can be refunded whole only",
      );
    log.info({ orderId: payload.orderId, amount: payload.total }, 'order recorded for payment');
  }),
  eventHandler('record-order-cancelled', Events.OrderCancelled, async ({ payload }, { manager, log }) => {
    await orders.cancelled(manager, payload);
    // Money that arrived while the cancellation was on its way goes back.
    const payment = await payments.ofOrder(manager, payload.orderId, true);
    if (payment?.status === PaymentStatus.SUCCEEDED) await refunds.requestAutomatic(manager, payment, log);
    log.info({ orderId: payload.orderId, reason: payload.reason }, 'order cancelled; no more payment intents');
  }),
];
