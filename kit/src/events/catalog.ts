import { z } from 'zod';
import { defineEvent } from './envelope';

/**
 * The event catalog: every event of the marketplace, its routing key, version and payload.
 * Producers validate on publish, consumers on receipt. A breaking payload change is a new
 * version, never an edit of an existing one.
 */
export const Events = {
  /** A customer account was created (users). */
  UserRegistered: defineEvent(
    'user.registered',
    1,
    z.object({
      userId: z.string().uuid(),
      email: z.string().email(),
      displayName: z.string().min(1),
      role: z.enum(['CUSTOMER', 'VENDOR', 'ADMIN']),
    }),
  ),

  /** An application was approved: the vendor may sell (vendor → users: role VENDOR; catalog: vendor replica). */
  VendorApproved: defineEvent(
    'vendor.approved',
    1,
    z.object({
      vendorId: z.string().uuid(),
      userId: z.string().uuid(),
      displayName: z.string().min(1),
      slug: z.string().min(1),
      /** Platform commission in basis points (1500 = 15 %). */
      commissionBps: z.number().int().min(0).max(10_000),
    }),
  ),

  /** An application was rejected, with the admin's reason. */
  VendorRejected: defineEvent('vendor.rejected', 1, z.object({ vendorId: z.string().uuid(), userId: z.string().uuid(), reason: z.string().min(1) })),

  /** A vendor's public profile changed (catalog keeps names in its replica). */
  VendorUpdated: defineEvent(
    'vendor.updated',
    1,
    z.object({ vendorId: z.string().uuid(), userId: z.string().uuid(), displayName: z.string().min(1), slug: z.string().min(1) }),
  ),

  /** A vendor was suspended: its products leave the storefront (catalog). */
  VendorSuspended: defineEvent('vendor.suspended', 1, z.object({ vendorId: z.string().uuid(), userId: z.string().uuid() })),

  /** A vendor was reinstated after a suspension. */
  VendorReinstated: defineEvent('vendor.reinstated', 1, z.object({ vendorId: z.string().uuid(), userId: z.string().uuid() })),

  /** A product became visible in the storefront (catalog → orders' product replica). */
  ProductPublished: defineEvent('product.published', 1, productState()),

  /** A published product changed (name, price…); carries the full new state. */
  ProductUpdated: defineEvent('product.updated', 1, productState()),

  /** A product left the storefront for good. */
  ProductArchived: defineEvent('product.archived', 1, z.object({ productId: z.string().uuid(), vendorId: z.string().uuid() })),

  /** A license was issued for a paid order line (licensing → catalog: verified reviews). */
  LicenseIssued: defineEvent(
    'license.issued',
    1,
    z.object({ licenseId: z.string().uuid(), productId: z.string().uuid(), ownerId: z.string().uuid(), orderId: z.string().uuid() }),
  ),
} as const;

/** What other subgraphs need to know about a product to sell it. */
function productState() {
  return z.object({
    productId: z.string().uuid(),
    vendorId: z.string().uuid(),
    slug: z.string().min(1),
    name: z.string().min(1),
    kind: z.enum(['AGENT', 'WORKFLOW', 'TOOL']),
    price: z.object({ amount: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }),
    status: z.enum(['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'REJECTED', 'ARCHIVED']),
    /** Increases with every change, so a replica can ignore an older state arriving late. */
    revision: z.number().int().min(1),
  });
}

export type EventName = keyof typeof Events;
