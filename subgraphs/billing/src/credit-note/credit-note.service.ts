import { EventTooEarlyError, Logger } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { invoiceStore } from '../invoice/invoice.store';
import { nextDocumentNumber } from '../numbering/document-number.store';
import { RefundedLines, creditNoteSnapshotOf, linesToCredit } from './credit-note.rules';

export interface Refund {
  orderId: string;
  /** One credit note per key: the refund's id, or the payment's for payment.refunded. */
  refundKey: string;
  lines: RefundedLines;
  reason: string;
}

/** Credit notes: one per refund, listing the invoice lines it gave back, each line credited once. */
export class CreditNoteService {
  /**
   * In the refund event's transaction. The invoice row is locked, so credit notes of one
   * invoice are issued one after the other and see each other's lines. Before the invoice
   * exists the event waits (EventTooEarlyError, retried); a refund with nothing left to
   * credit issues nothing.
   */
  async credit(manager: EntityManager, refund: Refund, log: Logger): Promise<string | null> {
    const invoice = await invoiceStore.ofOrderForUpdate(manager, refund.orderId);
    if (!invoice) throw new EventTooEarlyError(`order ${refund.orderId} has no invoice yet`);
    if (await invoiceStore.creditNoteByRefund(manager, refund.refundKey)) return null;
    const credited = await invoiceStore.creditedProductIds(manager, invoice.id);
    const lines = linesToCredit(invoice.snapshot, refund.lines, credited);
    if (lines.length === 0) {
      log.warn({ orderId: refund.orderId, invoice: invoice.number }, 'refund with no invoice line left to credit');
      return null;
    }
    const snapshot = creditNoteSnapshotOf(invoice.snapshot, invoice.number, lines, refund.reason);
    const { number, issuedAt } = await nextDocumentNumber(manager, 'CN');
    await invoiceStore.insertCreditNote(manager, {
      number,
      invoiceId: invoice.id,
      refundKey: refund.refundKey,
      snapshot,
      issuedAt,
    });
    log.info({ orderId: refund.orderId, invoice: invoice.number, creditNote: number }, 'credit note issued');
    return number;
  }
}
