import {
  ENTITY_ID_DESCRIPTION,
  EntityDescriptions,
  EntityName,
  NODE_TYPES,
  SchemaExtension,
  badInput,
  entityCacheHintDirective,
  parseGlobalId,
} from '@marketplace/kit';
import type { GraphQLResolveInfo } from 'graphql';

/** `nodes(ids:)` answers at most this many ids (BAD_USER_INPUT over). */
export const MAX_NODE_IDS = 100;

/** The Node types this subgraph owns (the rest are declared here as entity stubs). */
const OWNED_HERE: readonly EntityName[] = ['User'];

/**
 * `interface Node` (docs/api-conventions.md §8), declared by this subgraph as a federation 2
 * entity interface: `Node @key(fields: "id")`, every implementing type an entity here (the
 * others as stubs, with their owner's description and cache hint), `node`/`nodes` taking the
 * type from the global id and answering a reference the owning subgraph resolves.
 */
export function nodeSchema(): SchemaExtension {
  const stubs = NODE_TYPES.filter((name) => !OWNED_HERE.includes(name)).map(
    (name) => `
"""${EntityDescriptions[name]}"""
type ${name} implements Node @key(fields: "id") ${entityCacheHintDirective(name) ?? ''} {
  """${ENTITY_ID_DESCRIPTION}"""
  id: ID!
}`,
  );
  const owned = OWNED_HERE.map((name) => `extend type ${name} implements Node`);
  const typeDefs = `
"""
An object with a global id, refetchable by it: \`node(id:)\`, \`nodes(ids:)\` (Relay's Object Identification).
"""
interface Node @key(fields: "id") {
  """Global id: \`<Type>:<uuid>\`, unique across the API."""
  id: ID!
}

extend type Query {
  """
  The object with this global id, of any type implementing Node; null when it is missing or the viewer may not see it. Errors: BAD_USER_INPUT.
  """
  node(
    """A global id the API answered."""
    id: ID!
  ): Node

  """
  The objects with these global ids, in the same order, at most ${MAX_NODE_IDS}; null for each one missing or hidden. Errors: BAD_USER_INPUT.
  """
  nodes(
    """Global ids the API answered, at most ${MAX_NODE_IDS}."""
    ids: [ID!]!
  ): [Node]! @listSize(assumedSize: ${MAX_NODE_IDS})
}
${owned.join('\n')}
${stubs.join('\n')}
`;
  const stubReferences = Object.fromEntries(
    NODE_TYPES.filter((name) => !OWNED_HERE.includes(name)).map((name) => [
      name,
      { __resolveReference: (reference: { id: string }) => ({ __typename: name, id: reference.id }) },
    ]),
  );
  return {
    typeDefs,
    resolvers: {
      ...stubReferences,
      Node: { __resolveType: (value: { __typename: string }) => value.__typename },
      Query: {
        node: (_source: unknown, args: { id: string }, context: unknown, info: GraphQLResolveInfo) =>
          referenceOf(args.id, context, info),
        nodes: (_source: unknown, args: { ids: string[] }, context: unknown, info: GraphQLResolveInfo) => {
          if (args.ids.length > MAX_NODE_IDS)
            throw badInput([{ field: 'ids', message: `must hold at most ${MAX_NODE_IDS} ids` }]);
          return args.ids.map((id) => referenceOf(id, context, info));
        },
      },
    },
  };
}

type ReferenceResolver = (reference: object, context: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * What `node` answers for a global id (checked by the kit's transform: well-formed, of a Node
 * type): the object as its type's reference resolver here makes it — the owned `User` loaded,
 * a stub's reference for its owning subgraph to resolve (null there when missing or hidden).
 */
async function referenceOf(id: string, context: unknown, info: GraphQLResolveInfo): Promise<unknown> {
  const { typename } = parseGlobalId(id)!;
  const type = info.schema.getType(typename);
  const resolveReference = (type?.extensions as { apollo?: { subgraph?: { resolveReference?: ReferenceResolver } } })
    ?.apollo?.subgraph?.resolveReference;
  const reference = { __typename: typename, id };
  const resolved = await (resolveReference ? resolveReference(reference, context, info) : reference);
  return resolved && typeof resolved === 'object' ? Object.assign(resolved, { __typename: typename }) : null;
}
