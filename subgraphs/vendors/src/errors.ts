import { AppError, ErrorReason, FieldError, badInput, conflict, forbidden, isUuid } from '@marketplace/kit';

/**
 * The `ErrorReason` values this subgraph raises (kit/src/contracts/error-reasons.ts describes
 * each); every CONFLICT and every FORBIDDEN with a domain cause names one in `extensions.reason`.
 */
export const VendorReason = {
  ALREADY_A_VENDOR: 'ALREADY_A_VENDOR',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  INSUFFICIENT_BALANCE: 'INSUFFICIENT_BALANCE',
  INVALID_STATUS: 'INVALID_STATUS',
  NOT_A_VENDOR: 'NOT_A_VENDOR',
  SLUG_TAKEN: 'SLUG_TAKEN',
  VENDOR_NOT_ACTIVE: 'VENDOR_NOT_ACTIVE',
} as const satisfies Record<string, ErrorReason>;

export const conflictBecause = (message: string, reason: ErrorReason, fields?: FieldError[]) =>
  conflict(message, reason, fields);

export const forbiddenBecause = (message: string, reason: ErrorReason) => forbidden(message, reason);

/** An id argument that is no id this API hands out: BAD_USER_INPUT on `field`, before any lookup. */
export function checkId(id: string, field: string): string {
  if (!isUuid(id)) throw badInput([{ field, message: 'is not a valid id' }]);
  return id;
}

/**
 * A named status machine whose refusal is CONFLICT with reason INVALID_STATUS (the kit's
 * `namedMoves` still answers with an ad hoc `status` key); the message names the current
 * status and the one the move starts from.
 */
export function withInvalidStatus<S, N>(move: (current: S, name: N) => S): (current: S, name: N) => S {
  return (current, name) => {
    try {
      return move(current, name);
    } catch (error) {
      if (error instanceof AppError && error.extensions.code === 'CONFLICT')
        throw conflictBecause(error.message, VendorReason.INVALID_STATUS);
      throw error;
    }
  };
}
