import { entityStub, stubReferences } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a vendor points at its `User`
 * (and contributes `User.vendor`); ledger entries and top products point at an `Order` and
 * a `Product`.
 */
export const User = entityStub('User');
export type User = InstanceType<typeof User>;

export const Order = entityStub('Order');
export type Order = InstanceType<typeof Order>;

export const Product = entityStub('Product');
export type Product = InstanceType<typeof Product>;

/** A representation needs no lookup here: its key is all the fields this subgraph adds need, and they batch. */
export const entityStubReferences = stubReferences(User, Order, Product);
