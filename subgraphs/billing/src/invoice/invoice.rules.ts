import { Events, MalformedEventError, PayloadOf } from '@marketplace/kit';
import type { SellerDetails } from '../config';

export type PaidOrder = PayloadOf<typeof Events.OrderPaid>;

/** Printed on every reverse-charged invoice and credit note (EU VAT Directive). */
export const REVERSE_CHARGE_NOTE =
  'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)';

/** One order line as billed, in minor units of the document's currency. */
export interface DocumentLine {
  productId: string;
  name: string;
  vendorId: string;
  /** List price. */
  unitPrice: number;
  /** Every coupon on the line. */
  discount: number;
  /** What the tax is computed on: `unitPrice - discount`. */
  taxable: number;
  taxRateBps: number;
  tax: number;
  /** `taxable + tax`: what the buyer paid for the line. */
  total: number;
}

/** Tax of the lines at one rate. */
export interface TaxAtRate {
  rateBps: number;
  taxable: number;
  tax: number;
}

export interface DocumentTotals {
  subtotal: number;
  discount: number;
  taxable: number;
  tax: number;
  total: number;
  /** One entry per rate on the document, lowest rate first. */
  taxes: TaxAtRate[];
}

/** Who was billed, as the buyer gave it at checkout; `name` null for orders placed without billing details. */
export interface BuyerDetails {
  name: string | null;
  businessName: string | null;
  vatId: string | null;
  country: string | null;
  addressLines: string[];
}

/** What an invoice says, frozen when it is issued: the PDF is rendered from it alone. */
export interface InvoiceSnapshot {
  seller: SellerDetails;
  buyer: BuyerDetails;
  orderNumber: string;
  currency: string;
  lines: DocumentLine[];
  totals: DocumentTotals;
  reverseCharge: boolean;
  /** What the tax is called on the document (VAT, GST…), as the order was charged; absent in snapshots before it was kept. */
  taxName?: string;
  /** REVERSE_CHARGE_NOTE when reverse charged, else null. */
  note: string | null;
}

/** The tax's name on documents of orders that name none (no tax charged, or placed before names were sent). */
export const DEFAULT_TAX_NAME = 'VAT';

/** Sums of `lines`, with the tax per rate. */
export function totalsOf(lines: DocumentLine[]): DocumentTotals {
  const sum = (pick: (line: DocumentLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const rates = [...new Set(lines.map((line) => line.taxRateBps))].sort((a, b) => a - b);
  return {
    subtotal: sum((line) => line.unitPrice),
    discount: sum((line) => line.discount),
    taxable: sum((line) => line.taxable),
    tax: sum((line) => line.tax),
    total: sum((line) => line.total),
    taxes: rates.map((rateBps) => {
      const atRate = lines.filter((line) => line.taxRateBps === rateBps);
      return {
        rateBps,
        taxable: atRate.reduce((total, line) => total + line.taxable, 0),
        tax: atRate.reduce((total, line) => total + line.tax, 0),
      };
    }),
  };
}

/**
 * The invoice of a paid order from order.paid alone: absent line money means no discount and
 * no tax (orders before issue 23). An event whose money does not add up (another currency on
 * a line, lines not summing to the total charged) is refused: an invoice must say exactly
 * what was charged. Such an event can never be handled: it is dead-lettered at once, not retried.
 */
export function invoiceSnapshotOf(order: PaidOrder, seller: SellerDetails): InvoiceSnapshot {
  const currency = order.total.currency;
  const amount = (money: { amount: number; currency: string } | undefined, what: string): number => {
    if (!money) return 0;
    if (money.currency !== currency)
      throw new MalformedEventError(`order ${order.orderId}: ${what} is in ${money.currency}`);
    return money.amount;
  };
  const lines = order.items.map((item): DocumentLine => {
    const unitPrice = amount(item.unitPrice, 'a unit price');
    const discount = amount(item.discount, 'a discount');
    const tax = amount(item.tax, 'a tax');
    const taxable = unitPrice - discount;
    const total = item.total ? amount(item.total, 'a line total') : taxable + tax;
    if (taxable < 0 || total !== taxable + tax)
      throw new MalformedEventError(`order ${order.orderId}: line ${item.productId} does not add up`);
    const { productId, name, vendorId } = item;
    return { productId, name, vendorId, unitPrice, discount, taxable, taxRateBps: item.taxRateBps ?? 0, tax, total };
  });
  const totals = totalsOf(lines);
  if (totals.total !== order.total.amount)
    throw new MalformedEventError(
      `order ${order.orderId}: lines add up to ${totals.total}, the order to ${order.total.amount}`,
    );
  const billing = order.billing;
  const address = billing?.address;
  const reverseCharge = billing?.reverseCharge ?? false;
  return {
    seller,
    buyer: {
      name: billing?.name ?? null,
      businessName: billing?.businessName ?? null,
      vatId: billing?.vatId ?? null,
      country: billing?.country ?? null,
      addressLines: address
        ? [
            address.line1,
            address.line2,
            [address.postalCode, address.city].filter(Boolean).join(' '),
            address.region,
          ].filter((line): line is string => Boolean(line))
        : [],
    },
    orderNumber: order.number,
    currency,
    lines,
    totals,
    reverseCharge,
    taxName: order.taxName ?? DEFAULT_TAX_NAME,
    note: reverseCharge ? REVERSE_CHARGE_NOTE : null,
  };
}

/** `INV-2026-000123`: series, year of issue, sequence in that year. */
export function documentNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}
