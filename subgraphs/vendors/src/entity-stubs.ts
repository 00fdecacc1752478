import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a vendor points at its `User`
 * (and contributes `User.vendor`); ledger entries and top products point at an `Order` and
 * a `Product`. `ModerationQueue` is shared by key alone: this subgraph answers
 * `moderationQueue` and its `vendors`, the catalog its `products`. A representation needs no
 * lookup: its key is all the fields this subgraph adds need, and they batch.
 */
export const {
  User,
  Order,
  Product,
  ModerationQueue,
  references: entityStubReferences,
} = entityStubs('User', 'Order', 'Product', 'ModerationQueue');
export type ModerationQueue = EntityStub;
export type User = EntityStub;
export type Order = EntityStub;
export type Product = EntityStub;
