import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: an audit record's actor is a
 * `User` (the users subgraph answers the rest of it).
 */
export const { User, references: entityStubReferences } = entityStubs('User');
export type User = EntityStub;
