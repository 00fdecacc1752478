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

/** An order as the saga's other participants need it: who, how much, and which lines. */
export function orderSummary() {
  return z.object({
    orderId: z.string().uuid(),
    /** Human-friendly order number shown on receipts. */
    number: z.string().min(1),
    userId: z.string().uuid(),
    total: money(),
    items: z
      .array(
        z.object({
          productId: z.string().uuid(),
          vendorId: z.string().uuid(),
          name: z.string().min(1),
          unitPrice: money(),
        }),
      )
      .min(1),
  });
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
    status: z.enum(['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'REJECTED', 'ARCHIVED']),
    /** The vendor's license policy: machines one license may be activated on (licensing; the default when absent). */
    maxActivations: z.number().int().min(1).max(LicensePolicy.maxActivationsLimit).optional(),
    /** Increases with every change, so a replica can ignore an older state arriving late. */
    revision: z.number().int().min(1),
  });
}
