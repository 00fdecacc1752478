import type { ReferenceResolvers } from '@marketplace/kit';
import type { PaymentService } from './payment.service';

/** `Payment` entities other subgraphs point at, batched per request; null unless the viewer owns the order or is an admin. */
export const paymentReferences = (payments: PaymentService): ReferenceResolvers => ({
  Payment: {
    __resolveReference: (reference: { id: string }, context) => payments.byId(context).load(reference.id),
  },
});
