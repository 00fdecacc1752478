import { Events, PayloadOf } from '@marketplace/kit';
import type { Payment } from './payment.type';

type Outcome = PayloadOf<typeof Events.PaymentSucceeded>;

/** What every payment.* event says about the payment; `providerRef` is the intent the event was about. */
export function outcomePayload(payment: Payment, providerRef: string): Outcome {
  return {
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: { amount: payment.amountMinor, currency: payment.currency },
    providerRef,
  };
}
