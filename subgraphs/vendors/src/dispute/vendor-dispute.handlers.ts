import { Events, eventHandler } from '@marketplace/kit';
import type { VendorDisputeService } from './vendor-dispute.service';

/** The vendor's part of a payment dispute (ARCHITECTURE §4): keep the vendors' view, debit a lost one. */
export const vendorDisputeHandlers = (disputes: VendorDisputeService) => [
  eventHandler(
    'vendor-disputes-on-payment-dispute-updated',
    Events.PaymentDisputeUpdated,
    async (event, { manager, log }) => {
      await disputes.record(manager, event.payload, log);
    },
  ),
  eventHandler('ledger-debit-on-payment-dispute-lost', Events.PaymentDisputeClosed, async (event, { manager, log }) => {
    // Before order.paid it throws and is retried, as a refund's debit is.
    await disputes.debitLoss(manager, event, log);
  }),
];
