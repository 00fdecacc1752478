import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { EntityCacheHint } from './cache-hints';
import { ENTITY_ID_DESCRIPTION, EntityDescriptions, EntityName } from './contracts/entities';
import type { ReferenceResolvers } from './federation';

/** What a stub is: an entity another subgraph owns, known here only by its key. */
export interface EntityStub {
  id: string;
}

/** The class `entityStub` returns: `new`-able for type-graphql, with the name it has in the schema. */
export interface EntityStubClass<N extends EntityName = EntityName> {
  new (): EntityStub;
  /** The entity's type name in the schema (`__typename`). */
  readonly entityName: N;
  /** A representation from its key: all a subgraph that does not own the entity has. */
  of(id: string): EntityStub;
}

/**
 * An entity another subgraph owns, as this subgraph knows it: its key and nothing else
 * (`type X @key(fields: "id") { id: ID! }`), with its owner's cache hint (ENTITY_CACHE_HINTS),
 * so an answer holding it is shared exactly when the owner's would be. A subgraph may still
 * add fields with a `@Resolver(() => X)` class; on a public entity a scalar field added that
 * depends on the viewer must be `@ViewerDependent()`. Each call makes a new class, so each
 * subgraph has its own.
 */
export function entityStub<N extends EntityName>(name: N): EntityStubClass<N> {
  @ObjectType(name, { description: EntityDescriptions[name] })
  @Directive('@key(fields: "id")')
  @EntityCacheHint(name)
  class Stub implements EntityStub {
    static readonly entityName: N = name;

    @Field(() => ID, { description: ENTITY_ID_DESCRIPTION })
    id: string;

    static of(id: string): Stub {
      return Object.assign(new Stub(), { id });
    }
  }
  // The class's own name shows in stack traces and inspection: the entity's, not `Stub`.
  Object.defineProperty(Stub, 'name', { value: name });
  return Stub;
}

/**
 * `__resolveReference` for key-only stubs: a representation needs no lookup, its key is
 * all the subgraph has (fields it adds batch their own loads).
 */
export function stubReferences(...stubs: EntityStubClass[]): ReferenceResolvers {
  const references: ReferenceResolvers = {};
  for (const stub of stubs) {
    references[stub.entityName] = {
      __resolveReference: (reference: { id: string }) => stub.of(reference.id),
    };
  }
  return references;
}

/** One subgraph's stubs by entity name, and the reference resolvers of them all. */
export type EntityStubs<N extends EntityName> = { [K in N]: EntityStubClass<K> } & {
  references: ReferenceResolvers;
};

/**
 * Every stub a subgraph needs, in one call:
 *
 *     export const { Order, User, references: entityStubReferences } = entityStubs('Order', 'User');
 *     export type Order = EntityStub;
 */
export function entityStubs<N extends EntityName>(...names: N[]): EntityStubs<N> {
  const stubs = Object.fromEntries(names.map((name) => [name, entityStub(name)])) as {
    [K in N]: EntityStubClass<K>;
  };
  return { ...stubs, references: stubReferences(...Object.values<EntityStubClass>(stubs)) };
}
