import type { SubgraphModule } from '@marketplace/kit';
import { PaymentsConfig, readPaymentsConfig } from './config';
import { entityStubReferences } from './entity-stubs';
import { CreateOrders1763800000000 } from './migrations/1763800000000-create-orders';
import { CreatePayments1763800000001 } from './migrations/1763800000001-create-payments';
import { CreateAmountMismatches1763800000002 } from './migrations/1763800000002-create-amount-mismatches';
import { PaymentDisputes1800300000000 } from './migrations/1800300000000-payment-disputes';
import { PaymentDisputeResolver } from './dispute/dispute.resolver';
import { DisputeService } from './dispute/dispute.service';
import { PaymentListResolver } from './payment/payment-list.resolver';
import { PaymentListService } from './payment/payment-list.service';
import { orderHandlers } from './order/order.handlers';
import { OrderPaymentsResolver } from './order/order-payments.resolver';
import { OrderReplicaService } from './order/order-replica.service';
import { paymentReferences } from './payment/payment.reference';
import { PaymentResolver } from './payment/payment.resolver';
import { PaymentService } from './payment/payment.service';
import { RefundService } from './payment/refund.service';
import { SimulationResolver } from './payment/simulation.resolver';
import { SimulationService } from './payment/simulation.service';
import { createProvider } from './provider/provider';
import { WEBHOOK_PATH, webhookRoutes } from './webhook/webhook.routes';
import { AMOUNT_MISMATCH_METRIC, WebhookService } from './webhook/webhook.service';
import { ErasedUsers1800800000000 } from './migrations/1800800000000-erased-users';
import { PartialRefunds1801800000000 } from './migrations/1801800000000-partial-refunds';
import { PaymentTraceContext1802400000000 } from './migrations/1802400000000-payment-trace-context';
import { RefundSettlement } from './payment/refund-settlement.service';
import { paymentPrivacyHandlers } from './privacy/privacy.handlers';

export { PaymentsConfig, readPaymentsConfig } from './config';
export { PaymentStatus } from './payment/payment.type';
export { SimulatedOutcome } from './payment/payment.inputs';

/** Payment intents, the signed Stripe webhook, refunds, and a local provider for development. */
export const paymentsSubgraph: SubgraphModule<PaymentsConfig> = {
  name: 'payments',
  defaultPort: 4004,
  entities: [],
  migrations: [
    CreateOrders1763800000000,
    CreatePayments1763800000001,
    CreateAmountMismatches1763800000002,
    PaymentDisputes1800300000000,
    ErasedUsers1800800000000,
    PartialRefunds1801800000000,
    PaymentTraceContext1802400000000,
  ],
  resolvers: [PaymentResolver, OrderPaymentsResolver, SimulationResolver, PaymentListResolver, PaymentDisputeResolver],
  // docs/api-conventions.md rule 9: the production schema has none of these (schema/payments.graphql).
  developmentSurface: {
    fields: ['Mutation.simulatePayment'],
    types: ['SimulatePaymentInput', 'SimulatePaymentPayload', 'SimulatedOutcome'],
    enumValues: ['PaymentProvider.LOCAL'],
    servedWith: (settings) => settings.simulationEnabled,
  },
  readSettings: readPaymentsConfig,
  wire(deps, settings) {
    const { db, outbox, afterCommit, log } = deps;
    const webhookUrl = () => settings.webhookUrl ?? `${deps.origin()}${WEBHOOK_PATH}`;
    const provider = createProvider(settings, webhookUrl);
    const orders = new OrderReplicaService();
    const payments = new PaymentService(db, orders, provider, outbox);
    const settlement = new RefundSettlement(outbox, orders);
    const refunds = new RefundService(db, payments, provider, afterCommit, outbox, settlement);
    const disputes = new DisputeService(db, payments, outbox, orders);
    const simulation = new SimulationService(db, orders, payments, {
      enabled: settings.simulationEnabled,
      url: webhookUrl,
      secret: settings.webhookSecret,
    });
    const mismatches = deps.metrics.counter(
      AMOUNT_MISMATCH_METRIC,
      'Signed Stripe events whose amount or currency differs from their payment (recorded, not applied)',
      ['type'],
    );
    const webhooks = new WebhookService(db, payments, orders, refunds, settlement, outbox, mismatches);
    log.info({ provider: provider.kind }, 'payment provider chosen');
    return {
      resolvers: [
        new PaymentResolver(payments, refunds),
        new OrderPaymentsResolver(payments),
        new SimulationResolver(simulation),
        new PaymentListResolver(new PaymentListService(db)),
        new PaymentDisputeResolver(disputes),
      ],
      references: { ...paymentReferences(payments), ...entityStubReferences },
      routes: webhookRoutes(webhooks, disputes, settings, log),
      handlers: [...orderHandlers(orders, payments, refunds), ...paymentPrivacyHandlers()],
    };
  },
};
export { StripeEventShape, chargeRefundedEvent, paymentIntentEvent, signed } from './webhook/stripe-event';
export { DisputeEventFacts, disputeEvent } from './dispute/stripe-dispute';
