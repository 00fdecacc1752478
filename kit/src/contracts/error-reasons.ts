/**
 * The schema's `ErrorReason` enum: what `extensions.reason` may say, beside `extensions.code`,
 * so that a client can tell one refusal from another without reading messages. One list for
 * the whole supergraph (every subgraph's SDL carries it; composition merges identical enums).
 */
export const ErrorReason = {
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with different input.',
  INVALID_STATUS: "The object's current status does not allow this change.",
} as const satisfies Record<string, string>;
export type ErrorReason = keyof typeof ErrorReason;
