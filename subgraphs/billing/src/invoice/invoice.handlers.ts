import { Events, eventHandler } from '@marketplace/kit';
import type { CreditNoteService } from '../credit-note/credit-note.service';
import type { InvoiceService } from './invoice.service';

/**
 * order.paid → the order's invoice; payment.partially_refunded → a credit note of the lines
 * named; payment.refunded → a credit note of its lines, or of every line not credited before
 * (nothing for either when the order had been cancelled: it was never paid, so never invoiced). The
 * lines a payment.refunded names are used as named: it may arrive before an earlier partial
 * refund's event, whose lines must not end up on its credit note.
 */
export const invoiceHandlers = (invoices: InvoiceService, creditNotes: CreditNoteService) => [
  eventHandler('issue-invoice', Events.OrderPaid, async ({ payload }, { manager, log }) => {
    const { number, created } = await invoices.issue(manager, payload);
    if (created) log.info({ orderId: payload.orderId, invoice: number }, 'invoice issued');
  }),

  eventHandler('credit-partial-refund', Events.PaymentPartiallyRefunded, async ({ payload }, { manager, log }) => {
    if (payload.orderCancelled) return;
    await creditNotes.credit(
      manager,
      {
        orderId: payload.orderId,
        refundKey: payload.refundId,
        lines: { productIds: payload.lines.map((line) => line.productId) },
        reason: payload.reason,
      },
      log,
    );
  }),

  eventHandler('credit-refund', Events.PaymentRefunded, async ({ payload }, { manager, log }) => {
    if (payload.orderCancelled) return;
    await creditNotes.credit(
      manager,
      {
        orderId: payload.orderId,
        refundKey: payload.paymentId,
        lines: payload.lines ? { productIds: payload.lines.map((line) => line.productId) } : 'rest',
        reason: payload.reason,
      },
      log,
    );
  }),
];
