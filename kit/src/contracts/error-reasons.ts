/**
 * The schema's `ErrorReason` enum: what `extensions.reason` may say, beside `extensions.code`,
 * so that a client can tell one refusal from another without reading messages. One list for
 * the whole supergraph (every subgraph's SDL carries it; composition merges identical enums).
 */
export const ErrorReason = {
  ACCOUNT_SUSPENDED:
    'The account is suspended by an admin: it may not sign in or refresh until the suspension ends or is lifted.',
  ALREADY_A_VENDOR:
    'The user already has a vendor profile (PENDING, ACTIVE or SUSPENDED); only a REJECTED applicant may apply again.',
  ALREADY_PAID: 'The order is paid already (or was paid and refunded); it takes no further payment.',
  ALREADY_REFUNDED: 'The payment was refunded already; there is nothing left to refund.',
  ALREADY_REVIEWED: 'The caller already reviewed this product; change that review instead.',
  API_KEY_NOT_ALLOWED:
    'An API key may not use this field: it needs a scope the key does not carry (`extensions.requiredScope`), or no key may use it at all (account, admin and key operations).',
  CART_EMPTY: 'The cart holds nothing to check out.',
  CATEGORY_ARCHIVED: 'The category (or the parent named) is archived: it takes no changes and no new products.',
  CATEGORY_CYCLE: 'A category cannot move under itself or one of its own sub-categories.',
  CATEGORY_NOT_EMPTY:
    'The category still holds products (any status but ARCHIVED) or sub-categories; the message and `fields` say how many. Move them first.',
  CATEGORY_SLUG_TAKEN: 'Another category (archived ones included) has this slug.',
  CATEGORY_TOO_DEEP: 'The change would make the category tree deeper than it may be; the message says the limit.',
  COUPON_CODE_TAKEN: 'Another coupon (deactivated ones included) has this code; codes are case-insensitive.',
  COUPON_EXPIRED: 'The coupon is outside its validity window (not started yet, or ended), or was deactivated.',
  COUPON_LIMIT_REACHED: 'The coupon was redeemed as often as it may be, in total or by this customer.',
  COUPON_NOT_APPLICABLE:
    'The coupon applies to nothing in the cart (other products, categories or vendor), or the cart is below its minimum subtotal; the message says which.',
  COUPON_STACKING:
    'The cart already holds a coupon of the same issuer (the platform, or this vendor): one each; remove it first.',
  COVER_EXISTS: 'The product has a cover image already; delete it before uploading another.',
  CURRENCY_MISMATCH:
    "The product or cart is priced in another currency than the cart's: one order is charged in one currency.",
  EMAIL_TAKEN: 'Another account has this email address.',
  EXPORT_PENDING: 'A data export of this user is still being assembled; ask again once it is READY.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with different input.',
  INSUFFICIENT_BALANCE: 'The amount is more than the available balance; the message says how much is available.',
  INVALID_STATUS: "The object's current status does not allow this change.",
  LAST_ADMIN:
    'The change would leave the marketplace without an active admin (suspending, demoting, deleting or erasing the last one); make another user admin first.',
  LAST_SIGN_IN_METHOD:
    'The change would leave the account with no way to sign in (no password and no other linked provider); set a password or link another provider first.',
  LICENSE_DISPUTED:
    "The license is suspended while its order's payment is disputed by the cardholder; it works again if the dispute is won.",
  LICENSE_EXPIRED: 'The license is past its expiry date and can no longer be used.',
  LICENSE_REQUIRED: 'Only a holder of an unrevoked license of the product may do this (review it).',
  LICENSE_REVOKED: 'The license was revoked (its order was refunded) and can no longer be used.',
  LINE_ALREADY_REFUNDED: 'An order line named was refunded already; `fields` names it. Each line is refunded once.',
  MEDIA_FULL: 'The product has as many images as it may (20); delete one first.',
  NAME_TAKEN: 'Another product already has this name (its slug).',
  NOT_A_VENDOR: 'Only an approved vendor may do this; the caller has no vendor account, or it is not approved yet.',
  NOT_PAID: "The order's payment has not succeeded, so there is no money to refund.",
  NOT_SUSPENDED: 'The user is not suspended (never was, was reinstated, or the suspension ended by itself).',
  NO_ARTIFACT: 'The vendor has not uploaded a build of the product yet, so there is nothing to download.',
  ORDER_CANCELLED: 'The order was cancelled; it can no longer be paid.',
  OWN_ACCOUNT:
    'Admins may not do this to their own account: suspend it, erase it with eraseUser (they delete it with deleteMyAccount and their password), or reset its second factors with resetTwoFactor.',
  OWN_PRODUCT: 'A vendor may not do this to its own product (review it).',
  OWN_ROLE: 'Admins cannot change their own role.',
  PASSKEY_ALREADY_REGISTERED: 'This passkey (credential) is registered already, to this account or another.',
  PASSKEY_LIMIT_REACHED: 'The account holds the most passkeys allowed (`PASSKEYS_PER_USER_MAX`); remove one first.',
  PAYMENT_DISPUTED:
    'The cardholder disputed this payment at the card issuer: it cannot be refunded while the dispute is open or after it was lost (Stripe refuses it too).',
  PRODUCT_ARCHIVED: 'The product is archived: final, it takes no more changes.',
  PRODUCT_UNAVAILABLE: 'A product involved is no longer for sale (archived or unpublished).',
  PROVIDER_EMAIL_UNVERIFIED:
    'The sign-in provider has not verified an email address for this account: it cannot create an account or match an existing one.',
  REVIEWS_CLOSED: 'The product left the storefront (archived, or its vendor suspended): its reviews are closed.',
  SECOND_FACTOR_REQUIRED:
    'The operation needs a session signed in with a second factor (admin-only operations under `ADMIN_REQUIRE_TWO_FACTOR`, removing a passkey): enroll one (`startTotpEnrollment`, `startPasskeyRegistration`) and sign in again with it. For `linkOAuthProvider` with the password: the account has two-factor on, so sign in with both factors and link from that session (`startOAuthLogin` with `link: true`).',
  SLUG_TAKEN: 'Another vendor has this slug.',
  SOCIAL_ACCOUNT_LINKED:
    'The provider account is linked to this user already, or another account of the same provider is; unlink that one first.',
  SOCIAL_ACCOUNT_TAKEN: 'The provider account is linked to another user.',
  TOO_MANY_ACTIVATIONS: 'Every activation slot of the license is taken; deactivate another machine first.',
  TWO_FACTOR_ENABLED: 'An authenticator app (TOTP) is on already; turn it off first to enroll another.',
  TWO_FACTOR_NOT_ENABLED: 'No authenticator app (TOTP) is on for this account.',
  UPLOAD_LINK_USED: 'This single-use upload link was used already.',
  VENDOR_ACCOUNT:
    'The user sells through a vendor profile: an admin settles its balance and payouts, then erases the account.',
  VENDOR_NOT_ACTIVE: "The caller's vendor is not ACTIVE (PENDING, REJECTED or SUSPENDED).",
  VENDOR_SUSPENDED: 'The vendor is suspended: it may not sell or change products, nor get them published.',
  VERSION_EXISTS: "This version of the product's artifact was uploaded already; every version is uploaded once.",
  WISHLIST_FULL: 'The wishlist holds as many products as it may (500); remove one first.',
} as const satisfies Record<string, string>;
export type ErrorReason = keyof typeof ErrorReason;
