/**
 * Every category and kind of notification, with what the schema says of each. A category is
 * what a user turns on or off per channel; a transactional one (security, receipts) cannot be
 * turned off: it tells of the user's own money, licenses or account.
 */
export const NOTIFICATION_CATEGORIES = {
  SECURITY: {
    transactional: true,
    description: 'Your account and its security: email verification, password resets. Cannot be turned off.',
  },
  RECEIPTS: {
    transactional: true,
    description:
      'Your purchases: receipts, licenses issued, failed payments, refunds, revoked licenses. Cannot be turned off.',
  },
  ACCOUNT: {
    transactional: false,
    description: 'Your account on the marketplace: the welcome, the answer to a vendor application.',
  },
  SALES: {
    transactional: false,
    description:
      "A vendor's business: new sales (net after commission), payouts, the review of its products, disputes of its sales.",
  },
  WISHLIST: {
    transactional: false,
    description: 'The products on your wishlist: price drops.',
  },
  MODERATION: {
    transactional: false,
    description: "What waits for an admin's review: products submitted and vendor applications.",
  },
  OPERATIONS: {
    transactional: false,
    description: 'What admins watch: disputes opened and events that failed for good (dead letters).',
  },
} as const;

export type NotificationCategory = keyof typeof NOTIFICATION_CATEGORIES;
export const CATEGORY_NAMES = Object.keys(NOTIFICATION_CATEGORIES) as NotificationCategory[];

export const isTransactional = (category: NotificationCategory): boolean =>
  NOTIFICATION_CATEGORIES[category].transactional;

/** Every kind, its category and its trigger (docs/notifications.md lists them as a table). */
export const NOTIFICATION_KINDS = {
  ORDER_RECEIPT: { category: 'RECEIPTS', description: 'Your order was paid: its receipt (`order.paid`).' },
  LICENSE_ISSUED: { category: 'RECEIPTS', description: 'A license of a paid order is ready (`license.issued`).' },
  PAYMENT_FAILED: {
    category: 'RECEIPTS',
    description: 'An attempt to pay your order failed; you may retry (`payment.failed`).',
  },
  REFUND_ISSUED: {
    category: 'RECEIPTS',
    description:
      'Your payment was refunded, wholly or some of its lines (`payment.refunded`, `payment.partially_refunded`).',
  },
  LICENSE_REVOKED: { category: 'RECEIPTS', description: 'One of your licenses was revoked (`license.revoked`).' },
  WELCOME: { category: 'ACCOUNT', description: 'Your account was created (`user.registered`).' },
  VENDOR_APPROVED: { category: 'ACCOUNT', description: 'Your vendor application was approved (`vendor.approved`).' },
  VENDOR_REJECTED: {
    category: 'ACCOUNT',
    description: "Your vendor application was rejected, with the admin's reason (`vendor.rejected`).",
  },
  NEW_SALE: {
    category: 'SALES',
    description: 'You sold something: the order and your net after commission (`vendor.sale_credited`).',
  },
  SALE_DISPUTED: {
    category: 'SALES',
    description: 'A customer disputed the payment of an order with your products (`payment.disputed`).',
  },
  PRODUCT_APPROVED: {
    category: 'SALES',
    description: 'Your product passed review and is in the storefront (`product.moderated`).',
  },
  PRODUCT_REJECTED: {
    category: 'SALES',
    description: "Your product was sent back from review, with the admin's reason (`product.moderated`).",
  },
  PAYOUT_PAID: { category: 'SALES', description: 'Your payout was sent (`payout.settled`).' },
  PAYOUT_REJECTED: {
    category: 'SALES',
    description: "Your payout was rejected, with the admin's reason; the amount is available again (`payout.settled`).",
  },
  PRICE_DROP: {
    category: 'WISHLIST',
    description: 'A product on your wishlist got cheaper (`product.price_dropped`).',
  },
  PRODUCT_SUBMITTED: {
    category: 'MODERATION',
    description: 'A product waits for review (admins; `product.submitted_for_review`).',
  },
  VENDOR_APPLIED: {
    category: 'MODERATION',
    description: 'A vendor application waits for review (admins; `vendor.applied`).',
  },
  DISPUTE_OPENED: {
    category: 'OPERATIONS',
    description: 'A cardholder disputed a payment (admins; `payment.disputed`).',
  },
  EVENT_DEAD_LETTERED: {
    category: 'OPERATIONS',
    description:
      'An event failed every attempt in a subgraph and waits in its dead letters (admins; `event.dead_lettered`).',
  },
} as const satisfies Record<string, { category: NotificationCategory; description: string }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;
export const KIND_NAMES = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];
export const categoryOf = (kind: NotificationKind): NotificationCategory => NOTIFICATION_KINDS[kind].category;
