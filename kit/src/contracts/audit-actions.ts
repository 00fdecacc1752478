/**
 * The schema's `AuditAction` enum: every kind of record in the audit trail. One list for the
 * whole supergraph, sorted, so a subgraph recording an action and the operator reading the
 * trail agree on its name. A new admin action or security event adds its value here.
 */
export const AuditAction = {
  ACCOUNT_DELETED: 'A user deleted their own account (personal data anonymised everywhere).',
  API_KEY_CREATED: 'A vendor created an API key for their software (its name, scopes and expiry; never the secret).',
  API_KEY_REVOKED: 'A vendor revoked one of their API keys.',
  CATEGORY_ARCHIVED: 'An admin archived a category.',
  CATEGORY_CREATED: 'An admin created a category.',
  CATEGORY_MOVED: 'An admin moved a category within the tree.',
  CATEGORY_RENAMED: 'An admin renamed a category (its name or slug).',
  DATA_EXPORTED: "A user's data export was requested (the export is a signed download).",
  DEAD_LETTER_DISCARDED: 'An admin discarded a dead-lettered event, with a reason.',
  DEAD_LETTER_REPLAYED: 'An admin redelivered a dead-lettered event through the normal inbox.',
  DISPUTE_CLOSED: 'A card dispute was closed (won or lost), as Stripe reported it.',
  DISPUTE_OPENED: 'A cardholder disputed a charge, as Stripe reported it.',
  KEY_ROTATED: 'A signing key was rotated.',
  LOGIN_FAILURES_EXCEEDED: 'Failed sign-ins for one account or address passed the threshold and were throttled.',
  ORDER_REFUNDED: 'An admin refunded an order.',
  OTHER_SESSIONS_REVOKED:
    "A user's other sessions were ended: at their request, or because their password or second factor changed.",
  PAYOUT_MARKED_PAID: 'An admin marked a payout paid.',
  PASSKEY_ADDED: 'A user registered a passkey; two-factor is on, and their other sessions ended.',
  PASSKEY_REMOVED: 'A user removed one of their passkeys; their other sessions ended.',
  PAYOUT_REJECTED: 'An admin rejected a payout request.',
  PRODUCT_APPROVED: 'An admin approved a product for the storefront.',
  PRODUCT_FEATURED: 'An admin featured a product in the storefront (`featuredProducts`).',
  PRODUCT_REJECTED: 'An admin rejected a product, with a reason the vendor sees.',
  PRODUCT_UNFEATURED: 'An admin took a product out of the featured products.',
  PROFILE_IMAGE_REMOVED: "An admin removed someone else's avatar, or a vendor's logo or banner.",
  SESSION_REVOKED: 'A user ended one of their sessions (a signed-in device) from their session list.',
  SOCIAL_ACCOUNT_LINKED: 'A user linked a sign-in provider account (proved by password or a signed-in session).',
  SOCIAL_ACCOUNT_UNLINKED: 'A user unlinked a sign-in provider account.',
  SOCIAL_SIGN_IN:
    'A user signed in with a provider account (`created`: the sign-in made the account; `twoFactorChallenge`: ' +
    'a second factor was asked for instead of a session, recorded when asked).',
  TAX_RATE_CHANGED: "An admin set a country's tax rate for orders placed from then on.",
  TWO_FACTOR_DISABLED: 'A user turned their authenticator app (TOTP) off, with a current code or a recovery code.',
  TWO_FACTOR_ENABLED: 'A user turned two-factor authentication (TOTP) on; their other sessions ended.',
  TWO_FACTOR_FAILURES_EXCEEDED: 'Wrong second-factor codes for one account passed the threshold and were throttled.',
  TWO_FACTOR_RECOVERY_CODES_REGENERATED: 'A user replaced their recovery codes; the old ones stopped working.',
  TWO_FACTOR_RESET:
    "An admin removed every second factor of a user who lost them (authenticator app, passkeys, recovery codes, pending challenges), with a reason; the user's sessions ended.",
  USER_ERASED: "An admin erased a user's personal data (anonymised everywhere).",
  USER_REINSTATED: 'An admin lifted a suspension.',
  USER_ROLE_CHANGED: "An admin changed a user's role.",
  USER_SUSPENDED: 'An admin suspended a user: sign-in refused, sessions ended.',
  VENDOR_APPROVED: "An admin approved a vendor's application.",
  VENDOR_COMMISSION_CHANGED: "An admin changed a vendor's commission rate for sales from then on.",
  VENDOR_REINSTATED: 'An admin reinstated a suspended vendor.',
  VENDOR_REJECTED: "An admin rejected a vendor's application, with a reason.",
  VENDOR_SUSPENDED: 'An admin suspended a vendor: its products leave the storefront.',
} as const satisfies Record<string, string>;
export type AuditAction = keyof typeof AuditAction;

export const AUDIT_ACTIONS = Object.keys(AuditAction) as AuditAction[];

/** Who caused an audited change: a signed-in user, or the system (a webhook, an event handler, a timer). */
export const AuditActorKind = {
  USER: 'A signed-in user (an admin, or the subject acting on their own account).',
  SYSTEM: 'The marketplace itself: a provider webhook, an event handler or a timer.',
  ANONYMOUS: 'A caller who was not signed in (failed sign-ins).',
} as const satisfies Record<string, string>;
export type AuditActorKind = keyof typeof AuditActorKind;
