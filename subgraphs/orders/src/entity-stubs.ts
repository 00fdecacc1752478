import { entityStub, stubReferences } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: an order points at its `User`
 * (and contributes `User.orders`), an order line at its `Product` (catalog) and `Vendor`.
 */
export const User = entityStub('User');
export type User = InstanceType<typeof User>;

export const Product = entityStub('Product');
export type Product = InstanceType<typeof Product>;

export const Vendor = entityStub('Vendor');
export type Vendor = InstanceType<typeof Vendor>;

/** A representation needs no lookup here: its key is all `User.orders` needs. */
export const entityStubReferences = stubReferences(User, Product, Vendor);
