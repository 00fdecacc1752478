import { EventTooEarlyError, Events, eventHandler, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { formatMoney } from '../timeline/timeline.handlers';
import { PROVIDER, appendTimeline } from '../timeline/timeline.store';
import { OrderTimelineEntryKind } from '../timeline/timeline.type';
import { lockOrder } from './order.store';
import { OrderTransitions, UNPAID } from './order.transitions';

/**
 * Marks the order's lines refunded (those not marked before) and adds their totals to the
 * order's refunded amount: only lines newly marked count, so a redelivery adds nothing.
 * `productIds` null: every line. Returns the lines newly marked. The caller holds the order row.
 */
export async function markLinesRefunded(
  manager: EntityManager,
  orderId: string,
  productIds: readonly string[] | null,
): Promise<{ name: string; total: number; currency: string }[]> {
  return queryRows(
    manager,
    `WITH marked AS (
       UPDATE order_items SET refunded_at = now()
        WHERE order_id = $1 AND refunded_at IS NULL AND ($2::uuid[] IS NULL OR product_id = ANY($2::uuid[]))
        RETURNING name, total, currency
     ), summed AS (
       UPDATE orders SET refunded_amount = refunded_amount + (SELECT COALESCE(sum(total), 0) FROM marked)
        WHERE id = $1 AND EXISTS (SELECT 1 FROM marked)
     )
     SELECT name, total, currency FROM marked ORDER BY name`,
    [orderId, productIds],
  );
}

/**
 * payment.partially_refunded: some lines went back while others stay paid. The order keeps
 * its status (PAID or FULFILLED); its lines say which were refunded, its timeline says when.
 */
export const orderRefundHandlers = (transitions: OrderTransitions) => [
  eventHandler('order-lines-refunded', Events.PaymentPartiallyRefunded, async (event, { manager, log }) => {
    const { payload } = event;
    // Money that came for a cancelled order goes back without the order ever having been paid: nothing to mark.
    if (payload.orderCancelled) return;
    const order = await lockOrder(manager, payload.orderId);
    if (!order) {
      log.warn({ orderId: payload.orderId }, 'payment.partially_refunded for an unknown order; ignored');
      return;
    }
    // A refund follows a success; delivered first, it waits (retried with back-off) until payment.succeeded made the order PAID.
    if (UNPAID.includes(order.status))
      throw new EventTooEarlyError(
        `order ${order.id} is ${order.status}: payment.partially_refunded arrived before payment.succeeded`,
      );
    const marked = await markLinesRefunded(
      manager,
      order.id,
      payload.lines.map((line) => line.productId),
    );
    if (marked.length === 0) return;
    // The order changed without changing status (a status change sets it otherwise).
    await manager.query(`UPDATE orders SET updated_at = now() WHERE id = $1`, [order.id]);
    const names = marked.map((line) => `"${line.name}"`).join(', ');
    await appendTimeline(manager, {
      orderId: order.id,
      kind: OrderTimelineEntryKind.LINES_REFUNDED,
      summary: `Refunded ${formatMoney(payload.refunded)} for ${names}: ${payload.reason}`,
      actor: PROVIDER,
      at: new Date(event.occurredAt),
      sourceEventId: event.id,
    });
    transitions.notify(manager, order.id);
    log.info({ orderId: order.id, refundId: payload.refundId, lines: marked.length }, 'order lines refunded');
  }),
];
