import { Events, eventHandler } from '@marketplace/kit';
import type { LicenseDisputeService } from './license-dispute.service';

/** Licensing's part of a payment dispute (ARCHITECTURE §4): suspend on payment.disputed, restore or revoke on payment.dispute_closed. */
export const licenseDisputeHandlers = (disputes: LicenseDisputeService) => [
  eventHandler(
    'suspend-licenses-on-payment-disputed',
    Events.PaymentDisputed,
    async ({ payload }, { manager, log }) => {
      await disputes.suspend(manager, payload.orderId, log);
    },
  ),
  eventHandler(
    'close-licenses-dispute-on-payment-dispute-closed',
    Events.PaymentDisputeClosed,
    async ({ payload }, { manager, log, correlationId }) => {
      await disputes.close(manager, payload.orderId, payload.outcome, correlationId, log);
    },
  ),
];
