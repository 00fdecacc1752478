import { AppError, RequestContext, isSelfOrAdmin, requireViewer } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { OrderReplicaService } from '../order/order-replica.service';
import { SimulatedOutcome, deliverSigned, paymentIntentEvent } from '../webhook/stripe-event';
import { NO_INTENT_YET, orderNotHeardOf, paymentConflict } from './payment.errors';
import { checkOrderId } from './payment.validation';
import type { PaymentService } from './payment.service';
import { isPaid } from './payment.transitions';
import type { Payment } from './payment.type';

/**
 * Development without Stripe: plays the customer paying (or failing to) by sending the
 * signed event Stripe would send to the webhook endpoint, so the real path runs. Only the
 * schema's development variant has `simulatePayment` (PAYMENT_SIMULATION_ENABLED=true).
 */
export class SimulationService {
  constructor(
    private readonly db: DataSource,
    private readonly orders: OrderReplicaService,
    private readonly payments: PaymentService,
    private readonly webhook: { enabled: boolean; url(): string; secret: string },
  ) {}

  async simulate(context: RequestContext, orderId: string, outcome: SimulatedOutcome): Promise<Payment> {
    // The field exists only when enabled; this guards the service itself (an internal error, never reachable by a client).
    if (!this.webhook.enabled) throw new Error('simulatePayment is off unless PAYMENT_SIMULATION_ENABLED=true');
    const viewer = requireViewer(context);
    checkOrderId(orderId);
    const order = await this.orders.find(this.db.manager, orderId);
    if (!order) throw orderNotHeardOf();
    // Someone else's order is not theirs to see: the same answer as an order payments never heard of.
    if (!isSelfOrAdmin(viewer, order.userId)) throw orderNotHeardOf();
    const payment = await this.payments.ofOrder(this.db, orderId);
    if (!payment?.providerRef) throw new AppError('NOT_FOUND', NO_INTENT_YET);
    if (isPaid(payment.status)) throw paymentConflict('This order is already paid', 'ALREADY_PAID');
    const event = paymentIntentEvent(
      {
        paymentIntentId: payment.providerRef,
        amount: payment.amountMinor,
        currency: payment.currency,
        metadata: { paymentId: payment.id, orderId },
      },
      outcome,
    );
    await deliverSigned(this.webhook.url(), event, this.webhook.secret);
    context.log.info({ paymentId: payment.id, orderId, outcome, eventId: event.id }, 'payment simulated');
    return (await this.payments.find(this.db, payment.id))!;
  }
}
