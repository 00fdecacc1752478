import { Envelope, Events, Role, eventHandler, queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { lockOrder } from '../order/order.store';
import { OrderTransitions } from '../order/order.transitions';
import { NewTimelineEntry, PROVIDER, SYSTEM, StoredActor, appendTimeline, creditRefundTo } from './timeline.store';
import { OrderTimelineEntryKind } from './timeline.type';

/** "19.99 USD": minor units in the currency's own number of decimals. */
export function formatMoney({ amount, currency }: { amount: number; currency: string }): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

/**
 * Appends an entry made from an event, at the time the event happened. The order row is
 * locked first: entries of one order are written one after the other (the REFUNDED step's
 * actor depends on it), and an event about an order this subgraph never had writes nothing.
 */
async function fromEvent(
  manager: EntityManager,
  event: Envelope<{ orderId: string }>,
  entry: Omit<NewTimelineEntry, 'orderId' | 'at' | 'sourceEventId'>,
): Promise<boolean> {
  const order = await lockOrder(manager, event.payload.orderId);
  if (!order) return false;
  await appendTimeline(manager, {
    ...entry,
    orderId: order.id,
    at: new Date(event.occurredAt),
    sourceEventId: event.id,
  });
  return true;
}

const requester = (actor: { userId: string; role: `${Role}` } | undefined): StoredActor =>
  actor ? { kind: 'USER', userId: actor.userId, role: actor.role as Role } : SYSTEM;

/** What payments and licensing know about an order that orders shows in its timeline (attempts, webhooks, refunds, disputes). */
export const timelineHandlers = (transitions: OrderTransitions) => [
  eventHandler('order-timeline-payment-attempt', Events.PaymentAttemptStarted, async (event, { manager }) => {
    const { provider, amount, actor } = event.payload;
    const written = await fromEvent(manager, event, {
      kind: OrderTimelineEntryKind.PAYMENT_ATTEMPT_STARTED,
      summary: `Payment of ${formatMoney(amount)} started with ${provider}`,
      actor: requester(actor),
    });
    if (written) transitions.notify(manager, event.payload.orderId);
  }),

  eventHandler('order-timeline-webhook', Events.PaymentWebhookReceived, async (event, { manager }) => {
    const written = await fromEvent(manager, event, {
      kind: OrderTimelineEntryKind.WEBHOOK_RECEIVED,
      summary: `Payment provider event ${event.payload.providerEventType} received (${event.payload.providerEventId})`,
      actor: PROVIDER,
    });
    if (written) transitions.notify(manager, event.payload.orderId);
  }),

  eventHandler('order-timeline-refund-requested', Events.PaymentRefundRequested, async (event, { manager }) => {
    const actor = requester(event.payload.actor);
    const written = await fromEvent(manager, event, {
      kind: OrderTimelineEntryKind.REFUND_REQUESTED,
      summary: `Refund requested: ${event.payload.reason}`,
      actor,
    });
    if (!written) return;
    // Heard after payment.refunded (another queue position): the REFUNDED step is the requester's too.
    await creditRefundTo(manager, event.payload.orderId, actor);
    transitions.notify(manager, event.payload.orderId);
  }),

  eventHandler('order-timeline-dispute-opened', Events.PaymentDisputed, async (event, { manager }) => {
    const written = await fromEvent(manager, event, {
      kind: OrderTimelineEntryKind.DISPUTE_OPENED,
      summary: `Payment of ${formatMoney(event.payload.amount)} disputed by the cardholder (${event.payload.reason})`,
      actor: PROVIDER,
    });
    if (written) transitions.notify(manager, event.payload.orderId);
  }),

  eventHandler('order-timeline-dispute-closed', Events.PaymentDisputeClosed, async (event, { manager }) => {
    const { outcome, amount } = event.payload;
    const written = await fromEvent(manager, event, {
      kind: OrderTimelineEntryKind.DISPUTE_CLOSED,
      summary: `Dispute of ${formatMoney(amount)} ${outcome === 'WON' ? 'won: the payment stands' : 'lost: the money went back to the cardholder'}`,
      actor: PROVIDER,
    });
    if (written) transitions.notify(manager, event.payload.orderId);
  }),
];

/**
 * The license entries are written by the handlers that already hear these events for the
 * order (order.handlers.ts), in the same transaction: one handler per event and subgraph,
 * and a line's LICENSE_ISSUED is in the timeline whenever the FULFILLED it led to is.
 */
export async function licenseIssuedEntry(manager: EntityManager, event: Envelope<LicenseEvent>): Promise<void> {
  await fromEvent(manager, event, {
    kind: OrderTimelineEntryKind.LICENSE_ISSUED,
    summary: `License issued for ${await lineName(manager, event.payload.orderId, event.payload.productId)}`,
    actor: SYSTEM,
  });
}

export async function licenseRevokedEntry(
  manager: EntityManager,
  event: Envelope<LicenseEvent & { reason: string }>,
): Promise<void> {
  await fromEvent(manager, event, {
    kind: OrderTimelineEntryKind.LICENSE_REVOKED,
    summary: `License for ${await lineName(manager, event.payload.orderId, event.payload.productId)} revoked: ${event.payload.reason}`,
    actor: SYSTEM,
  });
}

interface LicenseEvent {
  orderId: string;
  productId: string;
}

/** The product's name as sold on the order (the product id when the line is unknown). */
async function lineName(manager: EntityManager, orderId: string, productId: string): Promise<string> {
  const [row] = await queryRows<{ name: string }>(
    manager,
    `SELECT name FROM order_items WHERE order_id = $1 AND product_id = $2`,
    [orderId, productId],
  );
  return row ? `"${row.name}"` : `product ${productId}`;
}
