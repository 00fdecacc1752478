import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: `User` (the users subgraph;
 * review authors) and `Vendor` (the vendor subgraph; the catalog contributes the vendor's
 * products). A representation needs no lookup: any vendor id can carry products; an
 * unknown or unapproved one simply has none.
 */
export const { User, Vendor, references: entityStubReferences } = entityStubs('User', 'Vendor');
export type User = EntityStub;
export type Vendor = EntityStub;
