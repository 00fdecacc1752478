import { MalformedEventError } from '@marketplace/kit';
import type { SellerDetails } from '../config';
import { BuyerDetails, DocumentLine, DocumentTotals, InvoiceSnapshot, totalsOf } from '../invoice/invoice.rules';

/** What a credit note says, frozen when it is issued: amounts credited, as positive numbers. */
export interface CreditNoteSnapshot {
  seller: SellerDetails;
  buyer: BuyerDetails;
  invoiceNumber: string;
  orderNumber: string;
  currency: string;
  reason: string;
  /** The refunded lines exactly as the invoice billed them. */
  lines: DocumentLine[];
  totals: DocumentTotals;
  reverseCharge: boolean;
  /** As on the invoice credited. */
  taxName?: string;
  note: string | null;
}

/** Which invoice lines a refund names: these products, or every one not credited before. */
export type RefundedLines = { productIds: string[] } | 'rest';

/**
 * The invoice lines a refund credits: the named lines (a product not on the invoice is an
 * error for good, the refund and the invoice disagree: dead-lettered, not retried), or for `rest` every line; minus the lines an
 * earlier credit note already credited, so no line is credited twice.
 */
export function linesToCredit(
  invoice: InvoiceSnapshot,
  refunded: RefundedLines,
  credited: Set<string>,
): DocumentLine[] {
  if (refunded !== 'rest') {
    const unknown = refunded.productIds.filter((id) => !invoice.lines.some((line) => line.productId === id));
    if (unknown.length) throw new MalformedEventError(`refunded products ${unknown.join(', ')} are not on the invoice`);
  }
  return invoice.lines.filter(
    (line) => !credited.has(line.productId) && (refunded === 'rest' || refunded.productIds.includes(line.productId)),
  );
}

export function creditNoteSnapshotOf(
  invoice: InvoiceSnapshot,
  invoiceNumber: string,
  lines: DocumentLine[],
  reason: string,
): CreditNoteSnapshot {
  const { seller, buyer, orderNumber, currency, reverseCharge, taxName, note } = invoice;
  return {
    seller,
    buyer,
    invoiceNumber,
    orderNumber,
    currency,
    reason,
    lines,
    totals: totalsOf(lines),
    reverseCharge,
    taxName,
    note,
  };
}
