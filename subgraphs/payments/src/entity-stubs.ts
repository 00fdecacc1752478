import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * The orders subgraph owns `Order` and catalog `Product`; payments knows only their keys and
 * adds `Order.payments` (and names the products a refund gives back). A representation needs
 * no lookup: its key is all that field needs, and it batches.
 */
export const { Order, Product, references: entityStubReferences } = entityStubs('Order', 'Product');
export type Order = EntityStub;
export type Product = EntityStub;
