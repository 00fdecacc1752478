import { Events, eventHandler } from '@marketplace/kit';
import type { LedgerService } from './ledger.service';

/**
 * The vendor's answers in the checkout saga (ARCHITECTURE §4). Each runs in the kit's
 * transaction with its inbox row; the ledger's unique constraints make a second event for
 * the same order (a replay with a new id) change nothing either.
 */
export const ledgerHandlers = (ledger: LedgerService) => [
  eventHandler('ledger-credit-on-order-paid', Events.OrderPaid, async (event, { manager, log }) => {
    await ledger.creditPaidOrder(manager, event, log);
  }),

  eventHandler('ledger-debit-on-payment-refunded', Events.PaymentRefunded, async (event, { manager, log }) => {
    // Delivered before order.paid, it throws and is retried with back-off until order.paid was handled;
    // a refund of money for a cancelled order (which is never paid) changes nothing.
    await ledger.debitRefund(manager, event, log);
  }),
];
