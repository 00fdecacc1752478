import { entityStub, stubReferences } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: `User` (the users subgraph;
 * review authors) and `Vendor` (the vendor subgraph; the catalog contributes the vendor's
 * products).
 */
export const User = entityStub('User');
export type User = InstanceType<typeof User>;

export const Vendor = entityStub('Vendor');
export type Vendor = InstanceType<typeof Vendor>;

/**
 * A representation needs no lookup here: its key is all the catalog has. Any vendor id can
 * carry products; an unknown or unapproved one simply has none.
 */
export const entityStubReferences = stubReferences(User, Vendor);
