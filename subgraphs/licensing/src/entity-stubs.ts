import { entityStub, stubReferences } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a license points at its
 * `Product` (catalog), `Order` and owner `User`; licensing adds `Order.licenses` and
 * `User.licenses`.
 */
export const Product = entityStub('Product');
export type Product = InstanceType<typeof Product>;

export const Order = entityStub('Order');
export type Order = InstanceType<typeof Order>;

export const User = entityStub('User');
export type User = InstanceType<typeof User>;

/** A representation needs no lookup: its key is all the fields licensing adds need, and they batch. */
export const entityStubReferences = stubReferences(Product, Order, User);
