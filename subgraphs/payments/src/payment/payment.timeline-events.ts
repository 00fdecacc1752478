import { Events, Outbox, RequestContext, Role } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import type { Payment } from './payment.type';

/**
 * Facts about a payment that only payments knows and an order's timeline shows (issue 20):
 * each recorded in the transaction of the change it reports, one event per fact. Kept in
 * this file so that the payment, refund and webhook code each call it in one line. Their
 * aggregate is the order: they are published in the order they happened to it.
 */

/** The signed-in caller as the events name them; null when signed out (never the case where these are called). */
function actorOf(context: RequestContext): { userId: string; role: Role } | undefined {
  return context.viewer ? { userId: context.viewer.id, role: context.viewer.role } : undefined;
}

/** The customer started paying: the payment row exists (its intent follows). */
export async function recordAttemptStarted(
  manager: EntityManager,
  outbox: Outbox,
  context: RequestContext,
  payment: Payment,
): Promise<void> {
  const actor = actorOf(context);
  if (!actor) return;
  await outbox.record(
    manager,
    Events.PaymentAttemptStarted,
    {
      paymentId: payment.id,
      orderId: payment.orderId,
      provider: payment.provider,
      amount: { amount: payment.amountMinor, currency: payment.currency },
      actor,
    },
    { aggregateId: payment.orderId, correlationId: context.requestId },
  );
}

/** A verified provider event about this payment, recorded once (a duplicate delivery never gets here). */
export async function recordWebhookReceived(
  manager: EntityManager,
  outbox: Outbox,
  event: { id: string; type: string },
  payment: Payment,
  correlationId: string,
): Promise<void> {
  await outbox.record(
    manager,
    Events.PaymentWebhookReceived,
    { paymentId: payment.id, orderId: payment.orderId, providerEventId: event.id, providerEventType: event.type },
    { aggregateId: payment.orderId, correlationId },
  );
}

/** Someone (an admin's refundOrder) asked for the payment to be refunded, and why. */
export async function recordRefundRequested(
  manager: EntityManager,
  outbox: Outbox,
  context: RequestContext,
  payment: Payment,
  reason: string,
): Promise<void> {
  await outbox.record(
    manager,
    Events.PaymentRefundRequested,
    { paymentId: payment.id, orderId: payment.orderId, reason, actor: actorOf(context) },
    { aggregateId: payment.orderId, correlationId: context.requestId },
  );
}
