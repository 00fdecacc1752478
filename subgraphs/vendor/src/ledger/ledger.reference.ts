import type { ReferenceResolvers } from '@marketplace/kit';
import { Order, Product } from './ledger.types';

/** `Order` and `Product` belong to other subgraphs; here their key is all there is to resolve. */
export const ledgerReferences: ReferenceResolvers = {
  Order: { __resolveReference: (reference: { id: string }) => Order.ref(reference.id) },
  Product: { __resolveReference: (reference: { id: string }) => Product.ref(reference.id) },
};
