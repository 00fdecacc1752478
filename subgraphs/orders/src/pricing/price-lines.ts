import type { LineDiscount, OrderSums, PricedLine, PricingLine, TaxTreatment } from './pricing.types';

const BPS_PER_UNIT = 10_000;

/** Tax on `amount` minor units at `rateBps`, rounded half up to a whole minor unit (integers only). */
export function taxOf(amount: number, rateBps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`amount must be a non-negative integer, got ${amount}`);
  if (!Number.isInteger(rateBps) || rateBps < 0 || rateBps > BPS_PER_UNIT)
    throw new RangeError(`rateBps must be an integer between 0 and ${BPS_PER_UNIT}, got ${rateBps}`);
  return Number((BigInt(amount) * BigInt(rateBps) + BigInt(BPS_PER_UNIT / 2)) / BigInt(BPS_PER_UNIT));
}

/**
 * Each line's money: its discounts (never more than its price), then tax on what is left. Tax
 * is computed per line, so a refund of one line gives back exactly that line's tax.
 */
export function priceLines(lines: PricingLine[], discounts: LineDiscount[], tax: TaxTreatment): PricedLine[] {
  const rateBps = tax.reverseCharge ? 0 : tax.rateBps;
  return lines.map((line) => {
    const own = discounts.filter((discount) => discount.productId === line.productId);
    const discount = own.reduce((sum, d) => sum + d.amount, 0);
    if (discount < 0 || discount > line.unitPrice)
      throw new RangeError(`discounts of ${line.productId} (${discount}) exceed its price ${line.unitPrice}`);
    const vendorDiscount = own.filter((d) => d.issuer === 'VENDOR').reduce((sum, d) => sum + d.amount, 0);
    const taxable = line.unitPrice - discount;
    const lineTax = taxOf(taxable, rateBps);
    return {
      ...line,
      discount,
      vendorDiscount,
      taxRateBps: rateBps,
      tax: lineTax,
      total: taxable + lineTax,
      discounts: own,
    };
  });
}

/** The order's sums (its tax per rate is read from the stored lines: `taxesOf`). */
export function sumsOf(lines: PricedLine[]): OrderSums {
  const sum = (pick: (line: PricedLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  return {
    subtotal: sum((line) => line.unitPrice),
    discount: sum((line) => line.discount),
    tax: sum((line) => line.tax),
    total: sum((line) => line.total),
  };
}
