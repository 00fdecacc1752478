import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLResolveInfo, Kind, OperationTypeNode } from 'graphql';
import { Directive } from 'type-graphql';
import { ENTITY_CACHE_HINTS, EntityName } from './contracts/entities';

/**
 * How long a gateway may share a public answer across viewers. It only bounds staleness
 * should a change notice be lost: subgraphs announce every committed public change
 * (ChangeTopics.publicData) and gateways drop what they hold at once.
 */
export const PUBLIC_DATA_MAX_AGE_SECONDS = 60;

/**
 * Apollo Server's cache hints, declared in every subgraph's SDL. Each subgraph computes the
 * policy of every answer from them and sends it as `Cache-Control` (`max-age=60, public`
 * or `no-store`); the gateway shares public answers between viewers (see its subgraph
 * fetcher). Without a hint an object-typed field is uncacheable, so an answer is shared
 * only when every object in it was declared public, and only entity answers ever are
 * (`entityAnswersOnlyShareable`).
 */
export const CACHE_CONTROL_DIRECTIVE = `
"""
How long gateways may share answers made of this type or field between viewers (Apollo Server's cache hint; only entity answers are ever shared).
"""
directive @cacheControl(
  """Seconds an answer may be shared; 0: only the viewer who asked gets it."""
  maxAge: Int
  """As shareable as the field holding it (value types such as Money)."""
  inheritMaxAge: Boolean
) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

/** On an object type whose fields read the same for every viewer (except fields marked `ViewerDependent`). */
export const PublicData = (): ClassDecorator => Directive(`@cacheControl(maxAge: ${PUBLIC_DATA_MAX_AGE_SECONDS})`);

/** The `@cacheControl` an entity carries (ENTITY_CACHE_HINTS): on its owner's type and on every stub of it; none when private. */
export function entityCacheHintDirective(name: EntityName): string | undefined {
  return ENTITY_CACHE_HINTS[name] === 'public' ? `@cacheControl(maxAge: ${PUBLIC_DATA_MAX_AGE_SECONDS})` : undefined;
}

/** On an entity's owning type: its hint from ENTITY_CACHE_HINTS (nothing for a private one), as its stubs carry it. */
export const EntityCacheHint = (name: EntityName): ClassDecorator => {
  const directive = entityCacheHintDirective(name);
  return directive ? Directive(directive) : () => undefined;
};

/** On a field of a `PublicData` type whose value depends on who asks: an answer selecting it is not shared. */
export const ViewerDependent = (): PropertyDecorator & MethodDecorator => Directive('@cacheControl(maxAge: 0)');

/** On a value type (Money): exactly as shareable as the object holding it. */
export const InheritsCacheHint = (): ClassDecorator => Directive('@cacheControl(inheritMaxAge: true)');

/** For an outcome that depends on the viewer (an owner seeing their own draft): the answer being built is not shared. */
export function markViewerDependent(info: GraphQLResolveInfo | undefined): void {
  if (info) maybeCacheControlFromInfo(info)?.cacheHint.restrict({ maxAge: 0 });
}

/**
 * Only `_entities` answers may be shared. A type's hint says its objects read the same for
 * every viewer, but a root field decides which objects a viewer gets (a vendor's own drafts
 * by id) and a mutation changes them; anonymous root answers are the gateway's response
 * cache's business, which knows when the caller is anonymous.
 */
export function entityAnswersOnlyShareable<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, overallCachePolicy }) {
          const entitiesOnly =
            operation?.operation === OperationTypeNode.QUERY &&
            operation.selectionSet.selections.every(
              (selection) =>
                selection.kind === Kind.FIELD &&
                (selection.name.value === '_entities' || selection.name.value === '__typename'),
            );
          if (!entitiesOnly) overallCachePolicy.restrict({ maxAge: 0 });
        },
      };
    },
  };
}
