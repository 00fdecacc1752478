import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: billing adds `Order.invoice`
 * and `Order.creditNotes` to the orders subgraph's `Order`.
 */
export const { Order, references: entityStubReferences } = entityStubs('Order');
export type Order = EntityStub;
