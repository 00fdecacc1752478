import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a license points at its
 * `Product` (catalog), `Order` and owner `User`; licensing adds `Order.licenses`,
 * `User.licenses` and `Product.viewerLicense`. A representation needs no lookup: its key
 * is all those fields need, and they batch.
 */
export const { Product, Order, User, references: entityStubReferences } = entityStubs('Product', 'Order', 'User');
export type Product = EntityStub;
export type Order = EntityStub;
export type User = EntityStub;
