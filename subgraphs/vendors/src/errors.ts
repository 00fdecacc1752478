import { ErrorReason, badInput, isUuid } from '@marketplace/kit';

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

/** An id argument that is no id this API hands out: BAD_USER_INPUT on `field`, before any lookup. */
export function checkId(id: string, field: string): string {
  if (!isUuid(id)) throw badInput([{ field, message: 'is not a valid id' }]);
  return id;
}
