import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a vendor points at its `User`
 * (and contributes `User.vendor`); ledger entries and top products point at an `Order` and
 * a `Product`. A representation needs no lookup: its key is all the fields this subgraph
 * adds need, and they batch.
 */
export const { User, Order, Product, references: entityStubReferences } = entityStubs('User', 'Order', 'Product');
export type User = EntityStub;
export type Order = EntityStub;
export type Product = EntityStub;
