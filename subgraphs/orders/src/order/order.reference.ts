import type { ReferenceResolvers } from '@marketplace/kit';
import type { OrderService } from './order.service';

/**
 * `Order` representations from other subgraphs (a payment's or a license's order), loaded in
 * one batch per request tick; only the owner or an admin gets the order, anyone else null.
 */
export const orderReferences = (orders: OrderService): ReferenceResolvers => ({
  Order: {
    __resolveReference: (reference: { id: string }, context) => orders.reference(context, reference.id),
  },
});
