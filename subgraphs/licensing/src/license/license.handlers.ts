import { Events, eventHandler } from '@marketplace/kit';
import type { LicenseService } from './license.service';

/**
 * The saga's steps that belong to licensing (ARCHITECTURE §4): issue on order.paid, revoke on
 * payment.refunded (every license of the order) and payment.partially_refunded (the lines').  Each runs in the kit's transaction with its inbox row and records its
 * events in that same transaction.
 */
export const licenseHandlers = (licenses: LicenseService) => [
  eventHandler(
    'issue-licenses-on-order-paid',
    Events.OrderPaid,
    async ({ payload }, { manager, log, correlationId }) => {
      await licenses.issueForOrder(manager, payload, correlationId, log);
    },
  ),
  eventHandler(
    'revoke-licenses-on-payment-refunded',
    Events.PaymentRefunded,
    async ({ payload }, { manager, log, correlationId }) => {
      // Whatever `lines` says, nothing of the order is left paid: the lines refunded before were revoked then.
      await licenses.revokeForOrder(manager, payload.orderId, payload.reason, correlationId, log);
    },
  ),
  eventHandler(
    'revoke-line-licenses-on-payment-partially-refunded',
    Events.PaymentPartiallyRefunded,
    async ({ payload }, { manager, log, correlationId }) => {
      const productIds = payload.lines.map((line) => line.productId);
      await licenses.revokeForLines(manager, payload.orderId, productIds, payload.reason, correlationId, log);
    },
  ),
];
