/*
 * The shapes pricing passes between the cart, coupons, tax and checkout. Amounts are minor
 * units of the one currency of the cart or order.
 */

/** Who funds a discount: the platform (platform coupons) or the vendor of the line (vendor coupons). */
export type DiscountIssuer = 'PLATFORM' | 'VENDOR';

/** A line as pricing sees it: the product, who sells it, its category and its list price. */
export interface PricingLine {
  productId: string;
  vendorId: string;
  categoryId: string | null;
  name: string;
  unitPrice: number;
}

/** One coupon's share of one line's discount. */
export interface LineDiscount {
  productId: string;
  couponId: string;
  code: string;
  issuer: DiscountIssuer;
  amount: number;
}

/** How a line is taxed: the rate, and whether the buyer accounts for the tax instead (reverse charge). */
export interface TaxTreatment {
  rateBps: number;
  reverseCharge: boolean;
  /** What the tax is called on the order and invoice (VAT, GST…); null when no tax applies. */
  name: string | null;
}

/** A line with all its money: `total = unitPrice - discount + tax`. */
export interface PricedLine extends PricingLine {
  discount: number;
  /** The part of `discount` the vendor funds. */
  vendorDiscount: number;
  taxRateBps: number;
  tax: number;
  total: number;
  discounts: LineDiscount[];
}

/** An order's sums: `total = subtotal - discount + tax`. */
export interface OrderSums {
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}
