/**
 * The schema's `ErrorReason` enum: what `extensions.reason` may say, beside `extensions.code`,
 * so that a client can tell one refusal from another without reading messages. One list for
 * the whole supergraph (every subgraph's SDL carries it; composition merges identical enums).
 */
export const ErrorReason = {
  EMAIL_TAKEN: 'Another account has this email address.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with different input.',
  INVALID_STATUS: "The object's current status does not allow this change.",
  LICENSE_EXPIRED: 'The license is past its expiry date and can no longer be used.',
  LICENSE_REVOKED: 'The license was revoked (its order was refunded) and can no longer be used.',
  NO_ARTIFACT: 'The vendor has not uploaded a build of the product yet, so there is nothing to download.',
  OWN_ROLE: 'Admins cannot change their own role.',
  TOO_MANY_ACTIVATIONS: 'Every activation slot of the license is taken; deactivate another machine first.',
} as const satisfies Record<string, string>;
export type ErrorReason = keyof typeof ErrorReason;
