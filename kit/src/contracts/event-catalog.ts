import { z } from 'zod';
import { PayloadOf, defineEvent } from '../events/envelope';
import { money, orderSummary, paymentOutcome, productState, refundedLines } from './event-payloads';
import { ModerationEvents } from './moderation-events';
import { OperatorEvents } from './operator-events';
import { StorefrontEvents } from './storefront-events';

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
  VendorRejected: defineEvent(
    'vendor.rejected',
    1,
    z.object({ vendorId: z.string().uuid(), userId: z.string().uuid(), reason: z.string().min(1) }),
  ),

  /** A vendor's public profile changed (catalog keeps names in its replica). */
  VendorUpdated: defineEvent(
    'vendor.updated',
    1,
    z.object({
      vendorId: z.string().uuid(),
      userId: z.string().uuid(),
      displayName: z.string().min(1),
      slug: z.string().min(1),
    }),
  ),

  /** A vendor was suspended: its products leave the storefront (catalog). */
  VendorSuspended: defineEvent(
    'vendor.suspended',
    1,
    z.object({ vendorId: z.string().uuid(), userId: z.string().uuid() }),
  ),

  /** A vendor was reinstated after a suspension. */
  VendorReinstated: defineEvent(
    'vendor.reinstated',
    1,
    z.object({ vendorId: z.string().uuid(), userId: z.string().uuid() }),
  ),

  /** A product became visible in the storefront (catalog → orders' product replica). */
  ProductPublished: defineEvent('product.published', 1, productState()),

  /** A published product changed (name, price…); carries the full new state. */
  ProductUpdated: defineEvent('product.updated', 1, productState()),

  /** A product left the storefront for good. */
  ProductArchived: defineEvent(
    'product.archived',
    1,
    z.object({ productId: z.string().uuid(), vendorId: z.string().uuid() }),
  ),

  /** A license was issued for a paid order line (licensing → catalog: verified reviews). */
  LicenseIssued: defineEvent(
    'license.issued',
    1,
    z.object({
      licenseId: z.string().uuid(),
      productId: z.string().uuid(),
      ownerId: z.string().uuid(),
      orderId: z.string().uuid(),
    }),
  ),

  /**
   * Every license of a paid order was issued: recorded once per order, in the transaction that
   * issued them (licensing → notifications: the order receipt). It carries the signed keys
   * because the receipt mail must show them, so consumers must never log its payload.
   */
  OrderLicensed: defineEvent(
    'order.licensed',
    1,
    orderSummary().extend({
      paymentId: z.string().uuid(),
      /** One per distinct product of the order. */
      licenses: z
        .array(
          z.object({
            licenseId: z.string().uuid(),
            productId: z.string().uuid(),
            /** The signed key (`MP1.…`), as `License.key` answers it to the owner. */
            licenseKey: z.string().min(1),
          }),
        )
        .min(1),
    }),
  ),

  /** A cart became an order awaiting payment (orders → payments: the amount to charge). */
  OrderCreated: defineEvent('order.created', 1, orderSummary()),

  /** A license was revoked (refund, admin): catalog stops counting it for reviews; downloads stop. */
  LicenseRevoked: defineEvent(
    'license.revoked',
    1,
    z.object({
      licenseId: z.string().uuid(),
      productId: z.string().uuid(),
      ownerId: z.string().uuid(),
      orderId: z.string().uuid(),
      reason: z.string().min(1),
    }),
  ),

  /** A vendor uploaded a product's build (catalog → licensing: what downloads stream). */
  ProductArtifactUploaded: defineEvent(
    'product.artifact_uploaded',
    1,
    z.object({
      productId: z.string().uuid(),
      vendorId: z.string().uuid(),
      version: z.string().min(1),
      /** Where the bytes are in the shared object storage (ARTIFACT_STORAGE_DIR). */
      storageKey: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().min(0),
      contentType: z.string().min(1),
    }),
  ),

  /** An order's payment succeeded (orders → licensing: issue per line; vendor: ledger credit per line). */
  OrderPaid: defineEvent('order.paid', 1, orderSummary().extend({ paymentId: z.string().uuid() })),

  /**
   * The vendor's ledger credited its lines of a paid order, once per (order, vendor), in the
   * transaction that wrote the entries (vendor → notifications: the new sale, net after the
   * commission in force when the order was paid).
   */
  VendorSaleCredited: defineEvent(
    'vendor.sale_credited',
    1,
    z.object({
      vendorId: z.string().uuid(),
      /** The vendor's user, who is told. */
      userId: z.string().uuid(),
      orderId: z.string().uuid(),
      number: z.string().min(1),
      gross: money(),
      commission: money(),
      net: money(),
      items: z.array(z.object({ productId: z.string().uuid(), name: z.string().min(1) })).min(1),
    }),
  ),

  /** An unpaid order was cancelled, by its owner or by the payment timeout (orders → payments: no more intents). */
  OrderCancelled: defineEvent(
    'order.cancelled',
    1,
    z.object({
      orderId: z.string().uuid(),
      userId: z.string().uuid(),
      reason: z.enum(['CUSTOMER', 'PAYMENT_TIMEOUT']),
    }),
  ),

  /** Money was received for an order (payments → orders: PAID). */
  PaymentSucceeded: defineEvent('payment.succeeded', 1, paymentOutcome()),

  /** An attempt to pay failed; the customer may retry with the same intent (payments → orders: PAYMENT_FAILED). */
  PaymentFailed: defineEvent('payment.failed', 1, paymentOutcome().extend({ reason: z.string().min(1) })),

  /** A succeeded payment was refunded (payments → orders: REFUNDED; licensing: revoke; vendor: ledger debit). */
  PaymentRefunded: defineEvent(
    'payment.refunded',
    1,
    paymentOutcome().extend({
      reason: z.string().min(1),
      /**
       * True when the money came for an order that had already been cancelled: orders never
       * marked it paid, so nothing was fulfilled or credited and there is nothing to undo.
       * Optional (absent means false), so v1 producers and consumers without it still agree.
       */
      orderCancelled: z.boolean().optional(),
      /**
       * The lines this last refund covered (after partial refunds, only those left). Absent
       * means every line of the order, as before partial refunds existed.
       */
      lines: refundedLines().optional(),
    }),
  ),

  /**
   * Part of a succeeded payment went back: the lines named, each in full, and some lines are
   * still paid (payments → orders: lines refunded; licensing: revoke those lines; vendor: debit
   * them; billing: a credit note). The refund that leaves nothing paid is payment.refunded.
   */
  PaymentPartiallyRefunded: defineEvent(
    'payment.partially_refunded',
    1,
    paymentOutcome().extend({
      /** Our id of this refund (one per refundOrder call or provider-side refund). */
      refundId: z.string().uuid(),
      /** What this refund gave back: the sum of `lines`. */
      refunded: money(),
      lines: refundedLines(),
      reason: z.string().min(1),
      /** As on payment.refunded: the money came for a cancelled order, never paid, credited or invoiced; nothing to undo. */
      orderCancelled: z.boolean().optional(),
    }),
  ),

  /** The cardholder disputed a charge, first heard of (payments → licensing: suspend the order's licenses). */
  PaymentDisputed: defineEvent('payment.disputed', 1, paymentOutcome().extend({ reason: z.string().min(1) })),

  ...OperatorEvents,
  ...ModerationEvents,
  ...StorefrontEvents,
} as const;

export type EventName = keyof typeof Events;

/** A product as product.published and product.updated carry it: all a replica keeps of it. */
export type ProductState = PayloadOf<typeof Events.ProductPublished>;
