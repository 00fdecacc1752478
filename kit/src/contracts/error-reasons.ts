/**
 * The schema's `ErrorReason` enum: what `extensions.reason` may say, beside `extensions.code`,
 * so that a client can tell one refusal from another without reading messages. One list for
 * the whole supergraph (every subgraph's SDL carries it; composition merges identical enums).
 */
export const ErrorReason = {
  ALREADY_A_VENDOR:
    'The user already has a vendor profile (PENDING, ACTIVE or SUSPENDED); only a REJECTED applicant may apply again.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with different input.',
  INSUFFICIENT_BALANCE: 'The amount is more than the available balance; the message says how much is available.',
  INVALID_STATUS: "The object's current status does not allow this change.",
  NOT_A_VENDOR: 'The caller has no vendor profile.',
  SLUG_TAKEN: 'Another vendor has this slug.',
  VENDOR_NOT_ACTIVE: "The caller's vendor is not ACTIVE (PENDING, REJECTED or SUSPENDED).",
} as const satisfies Record<string, string>;
export type ErrorReason = keyof typeof ErrorReason;
