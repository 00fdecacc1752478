import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * The orders subgraph owns `Order`; payments knows only its key and adds `Order.payments`.
 * A representation needs no lookup: its key is all that field needs, and it batches.
 */
export const { Order, references: entityStubReferences } = entityStubs('Order');
export type Order = EntityStub;
