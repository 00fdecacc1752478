import { EventTooEarlyError, Events, eventHandler, queryRows } from '@marketplace/kit';
import { licenseIssuedEntry, licenseRevokedEntry } from '../timeline/timeline.handlers';
import { markLinesRefunded } from './order-refund.handlers';
import { lockOrder } from './order.store';
import { OrderTransitions, UNPAID } from './order.transitions';
import { OrderStatus, OrderStatusChangeReason } from './order.type';

/**
 * The saga's answers to orders (ARCHITECTURE §4). Each runs in the kit's transaction with
 * its inbox row; `transition` refuses repeats, so a duplicate event changes nothing.
 */
export const orderHandlers = (transitions: OrderTransitions) => [
  eventHandler(
    'order-paid-on-payment-succeeded',
    Events.PaymentSucceeded,
    async ({ payload }, { manager, correlationId }) => {
      await transitions.transition(
        manager,
        payload.orderId,
        OrderStatus.PAID,
        OrderStatusChangeReason.PAYMENT_SUCCEEDED,
        {
          correlationId,
          paymentId: payload.paymentId,
        },
      );
    },
  ),

  eventHandler('order-payment-failed', Events.PaymentFailed, async ({ payload }, { manager, correlationId }) => {
    await transitions.transition(
      manager,
      payload.orderId,
      OrderStatus.PAYMENT_FAILED,
      OrderStatusChangeReason.PAYMENT_FAILED,
      {
        correlationId,
      },
    );
  }),

  eventHandler(
    'order-refunded-on-payment-refunded',
    Events.PaymentRefunded,
    async ({ payload }, { manager, log, correlationId }) => {
      const order = await lockOrder(manager, payload.orderId);
      if (!order) {
        log.warn({ orderId: payload.orderId }, 'payment.refunded for an unknown order; ignored');
        return;
      }
      // A refund follows a success; delivered first, it waits (retried with back-off) until payment.succeeded made the order PAID.
      if (UNPAID.includes(order.status))
        throw new EventTooEarlyError(
          `order ${order.id} is ${order.status}: payment.refunded arrived before payment.succeeded`,
        );
      await transitions.transition(manager, order.id, OrderStatus.REFUNDED, OrderStatusChangeReason.PAYMENT_REFUNDED, {
        correlationId,
      });
      // Nothing is left paid: every line not refunded before is (a cancelled order, never paid, keeps its lines as they were).
      if ((await lockOrder(manager, order.id))?.status !== OrderStatus.REFUNDED) return;
      await markLinesRefunded(manager, order.id, null);
      await manager.query(`UPDATE orders SET refunded_amount = total_amount WHERE id = $1`, [order.id]);
    },
  ),

  eventHandler('order-line-licensed', Events.LicenseIssued, async (event, { manager, log, correlationId }) => {
    const { payload } = event;
    // The order row is locked first so the licenses of one order are recorded one after the
    // other: the last one sees every other line licensed and fulfils the order.
    const order = await lockOrder(manager, payload.orderId);
    if (!order) {
      log.warn(
        { orderId: payload.orderId, licenseId: payload.licenseId },
        'license.issued for an unknown order; ignored',
      );
      return;
    }
    const updated = await queryRows(
      manager,
      `UPDATE order_items SET license_id = $3 WHERE order_id = $1 AND product_id = $2 RETURNING product_id`,
      [order.id, payload.productId, payload.licenseId],
    );
    if (updated.length === 0) {
      log.warn(
        { orderId: order.id, productId: payload.productId },
        'license.issued for a product not in the order; ignored',
      );
      return;
    }
    await licenseIssuedEntry(manager, event);
    const [{ missing }] = await queryRows<{ missing: number }>(
      manager,
      `SELECT count(*)::int AS missing FROM order_items WHERE order_id = $1 AND license_id IS NULL`,
      [order.id],
    );
    if (missing === 0 && order.status === OrderStatus.PAID) {
      await transitions.transition(manager, order.id, OrderStatus.FULFILLED, OrderStatusChangeReason.LICENSES_ISSUED, {
        correlationId,
      });
    }
  }),

  // The order turned REFUNDED on payment.refunded, which licensing hears at the same time: a
  // subscriber's push may have read the license before licensing revoked it. Only the timeline
  // changes here; its subscribers are told again, so their view ends with the revocation.
  eventHandler('order-line-revoked', Events.LicenseRevoked, async (event, { manager }) => {
    await licenseRevokedEntry(manager, event);
    transitions.notify(manager, event.payload.orderId);
  }),
];
