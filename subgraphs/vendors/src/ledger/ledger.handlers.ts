import { Events, eventHandler, queryRows } from '@marketplace/kit';
import type { LedgerService } from './ledger.service';

/**
 * The vendor's answers in the checkout saga (ARCHITECTURE §4). Each runs in the kit's
 * transaction with its inbox row; the ledger's unique constraints make a second event for
 * the same order (a replay with a new id) change nothing either.
 */
export const ledgerHandlers = (ledger: LedgerService) => [
  eventHandler('ledger-credit-on-order-paid', Events.OrderPaid, async (event, { manager, emit, log }) => {
    const sales = await ledger.creditPaidOrder(manager, event, log);
    // Each vendor's sale, net after commission, in the credit's transaction (notifications tell the vendor).
    for (const sale of sales) {
      const [vendor] = await queryRows<{ user_id: string }>(manager, `SELECT user_id FROM vendors WHERE id = $1`, [
        sale.vendorId,
      ]);
      if (!vendor) continue;
      const money = (amount: number) => ({ amount, currency: sale.currency });
      await emit(
        Events.VendorSaleCredited,
        {
          vendorId: sale.vendorId,
          userId: vendor.user_id,
          orderId: event.payload.orderId,
          number: event.payload.number,
          gross: money(sale.gross),
          commission: money(sale.commission),
          net: money(sale.gross - sale.commission),
          items: sale.items,
        },
        sale.vendorId,
      );
    }
  }),

  eventHandler('ledger-debit-on-payment-refunded', Events.PaymentRefunded, async (event, { manager, log }) => {
    // Delivered before order.paid, it throws and is retried with back-off until order.paid was handled;
    // a refund of money for a cancelled order (which is never paid) changes nothing.
    await ledger.debitRefund(manager, event, log);
  }),

  eventHandler(
    'ledger-debit-on-payment-partially-refunded',
    Events.PaymentPartiallyRefunded,
    async (event, { manager, log }) => {
      // Before order.paid it is retried, as payment.refunded is; each line is debited once whatever arrives.
      await ledger.debitPartialRefund(manager, event, log);
    },
  ),
];
