import { InputCheck, isUuid } from '@marketplace/kit';

export const REFUND_REASON_MAX_LENGTH = 500;

export function checkOrderId(orderId: string, check = new InputCheck(), done = true): void {
  if (!isUuid(orderId)) check.add('input.orderId', 'must be a UUID');
  if (done) check.done();
}

/** The reason trimmed, 1 to 500 characters; every problem of the call is reported at once. */
export function checkRefund(orderId: string, reason: string): string {
  const check = new InputCheck();
  checkOrderId(orderId, check, false);
  const trimmed = check.multiLineText('input.reason', reason, REFUND_REASON_MAX_LENGTH, { required: true });
  check.done();
  return trimmed;
}
