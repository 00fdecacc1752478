import { z } from 'zod';
import { LicensePolicy } from './license-policy';

/*
 * The payload shapes several events share (zod schemas), used by the event catalog's parts.
 */

/** A signed-in user who caused something, as events name them (raw uuid). */
export function actor() {
  return z.object({ userId: z.string().uuid(), role: z.enum(['CUSTOMER', 'VENDOR', 'ADMIN']) });
}

/** An amount in minor units of an ISO 4217 currency. */
export function money() {
  return z.object({ amount: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) });
}

/** An ISO 3166-1 alpha-2 country code, upper case. */
const country = () => z.string().regex(/^[A-Z]{2}$/);

/**
 * Who an order is billed to, as the buyer gave it at checkout (personal data: consumers keep it
 * out of logs). `reverseCharge` is true when no tax was charged because the buyer is a business
 * in another EU member state with a well-formed VAT id: the buyer accounts for the VAT.
 */
export function billingDetails() {
  return z.object({
    name: z.string().min(1),
    country: country(),
    businessName: z.string().min(1).optional(),
    vatId: z.string().min(1).optional(),
    address: z
      .object({
        line1: z.string().min(1),
        line2: z.string().min(1).optional(),
        city: z.string().min(1),
        postalCode: z.string().min(1).optional(),
        region: z.string().min(1).optional(),
      })
      .optional(),
    reverseCharge: z.boolean(),
  });
}

/**
 * One order line's money beyond its list price (issue 23). Every field is optional so that v1
 * producers and consumers without them still agree: absent means no discount and no tax, so
 * `total` is `unitPrice`. When present, `total = unitPrice - discount + tax` to the minor unit.
 */
function lineMoney() {
  return {
    /** The whole discount on the line: `vendorDiscount` plus the platform-funded rest. */
    discount: money().optional(),
    /** The part of `discount` the vendor funds (vendor coupons): the vendor is credited `unitPrice - vendorDiscount`. */
    vendorDiscount: money().optional(),
    /** Tax rate applied to the discounted price, in basis points (2000 = 20 %). */
    taxRateBps: z.number().int().min(0).max(10_000).optional(),
    tax: money().optional(),
    /** What the buyer pays for the line, tax included. */
    total: money().optional(),
  };
}

/** An order as the saga's other participants need it: who, how much, and which lines. */
export function orderSummary() {
  return z.object({
    orderId: z.string().uuid(),
    /** Human-friendly order number shown on receipts. */
    number: z.string().min(1),
    userId: z.string().uuid(),
    /** What the buyer pays: the sum of the lines' totals. */
    total: money(),
    /** Sum of the lines' list prices (absent: equal to `total`). */
    subtotal: money().optional(),
    /** Sum of the lines' discounts (absent: none). */
    discount: money().optional(),
    /** Sum of the lines' tax (absent: none). */
    tax: money().optional(),
    /** What the tax is called (VAT, GST, MVA…) when the order was taxed or reverse charged (absent: none named). */
    taxName: z.string().min(1).optional(),
    /** Who is billed (absent for orders placed before billing details existed). */
    billing: billingDetails().optional(),
    items: z
      .array(
        z.object({
          productId: z.string().uuid(),
          vendorId: z.string().uuid(),
          name: z.string().min(1),
          unitPrice: money(),
          ...lineMoney(),
        }),
      )
      .min(1),
  });
}

/** Order lines a refund covers, each with what went back for it (its total, tax included). */
export function refundedLines() {
  return z.array(z.object({ productId: z.string().uuid(), amount: money() })).min(1);
}

/** What payments tells about one payment of one order. */
export function paymentOutcome() {
  return z.object({
    paymentId: z.string().uuid(),
    orderId: z.string().uuid(),
    amount: money(),
    providerRef: z.string().min(1),
  });
}

/** What other subgraphs need to know about a product to sell it. */
export function productState() {
  return z.object({
    productId: z.string().uuid(),
    vendorId: z.string().uuid(),
    slug: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(['AGENT', 'WORKFLOW', 'TOOL']),
    price: money(),
    /** The product's category (coupons may target categories); absent from producers before issue 23. */
    categoryId: z.string().uuid().optional(),
    status: z.enum(['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'REJECTED', 'ARCHIVED']),
    /** The vendor's license policy: machines one license may be activated on (licensing; the default when absent). */
    maxActivations: z.number().int().min(1).max(LicensePolicy.maxActivationsLimit).optional(),
    /** Increases with every change, so a replica can ignore an older state arriving late. */
    revision: z.number().int().min(1),
  });
}
