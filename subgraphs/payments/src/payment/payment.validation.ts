import { InputCheck, isUuid } from '@marketplace/kit';

export const REFUND_REASON_MAX_LENGTH = 500;

export function checkOrderId(orderId: string, check = new InputCheck(), done = true): void {
  if (!isUuid(orderId)) check.add('input.orderId', 'must be a UUID');
  if (done) check.done();
}

/** At most this many products in one refundOrder (an order has far fewer lines). */
export const REFUND_PRODUCTS_MAX = 100;

/** The reason trimmed, 1 to 500 characters, and each product named once; every problem of the call is reported at once. */
export function checkRefund(orderId: string, reason: string, productIds: readonly string[] = []): string {
  const check = new InputCheck();
  checkOrderId(orderId, check, false);
  const trimmed = check.multiLineText('input.reason', reason, REFUND_REASON_MAX_LENGTH, { required: true });
  if (productIds.length > REFUND_PRODUCTS_MAX)
    check.add('input.productIds', `must name at most ${REFUND_PRODUCTS_MAX} products`);
  else
    productIds.forEach((productId, index) => {
      if (productIds.indexOf(productId) !== index) check.add(`input.productIds.${index}`, 'is named twice');
    });
  check.done();
  return trimmed;
}
