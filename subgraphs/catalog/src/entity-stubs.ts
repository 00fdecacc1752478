import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: `User` (the users subgraph;
 * review authors), `Vendor` (the vendor subgraph; the catalog contributes the vendor's
 * products) and `ModerationQueue` (the vendor subgraph answers `moderationQueue`; the catalog
 * contributes the products in review). A representation needs no lookup: any vendor id can
 * carry products; an unknown or unapproved one simply has none.
 */
export const {
  User,
  Vendor,
  ModerationQueue,
  references: entityStubReferences,
} = entityStubs('User', 'Vendor', 'ModerationQueue');
export type User = EntityStub;
export type Vendor = EntityStub;
export type ModerationQueue = EntityStub;
