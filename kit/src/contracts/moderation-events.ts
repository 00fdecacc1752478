import { z } from 'zod';
import { defineEvent } from '../events/envelope';
import { money } from './event-payloads';

/**
 * What waits for someone, and their answer (issue 21: the notifications subgraph tells the
 * people concerned). Each is recorded in the transaction that made the change.
 */
export const ModerationEvents = {
  /** A user applied to sell, or applied again after a rejection (vendor → notifications: every admin). */
  VendorApplied: defineEvent(
    'vendor.applied',
    1,
    z.object({ vendorId: z.string().uuid(), userId: z.string().uuid(), displayName: z.string().min(1) }),
  ),

  /** A vendor submitted a product for review (catalog → notifications: every admin). */
  ProductSubmittedForReview: defineEvent(
    'product.submitted_for_review',
    1,
    z.object({
      productId: z.string().uuid(),
      vendorId: z.string().uuid(),
      /** The vendor's user. */
      userId: z.string().uuid(),
      name: z.string().min(1),
    }),
  ),

  /** An admin approved or rejected a product under review (catalog → notifications: the vendor). */
  ProductModerated: defineEvent(
    'product.moderated',
    1,
    z.object({
      productId: z.string().uuid(),
      vendorId: z.string().uuid(),
      /** The vendor's user. */
      userId: z.string().uuid(),
      name: z.string().min(1),
      /** Where the product is in the storefront (its page, once approved). */
      slug: z.string().min(1),
      decision: z.enum(['APPROVED', 'REJECTED']),
      /** The admin's reason; null when approved. */
      reason: z.string().min(1).nullable(),
    }),
  ),

  /** An admin marked a payout paid or rejected it (vendor → notifications: the vendor). */
  PayoutSettled: defineEvent(
    'payout.settled',
    1,
    z.object({
      payoutId: z.string().uuid(),
      vendorId: z.string().uuid(),
      /** The vendor's user. */
      userId: z.string().uuid(),
      status: z.enum(['PAID', 'REJECTED']),
      amount: money(),
      /** The admin's reason; null when paid. */
      reason: z.string().min(1).nullable(),
    }),
  ),
} as const;
