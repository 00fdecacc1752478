import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  DefinitionNode,
  DocumentNode,
  GraphQLResolveInfo,
  GraphQLSchema,
  Kind,
  ObjectTypeExtensionNode,
  parse,
} from 'graphql';
import { BuildSchemaOptions, PubSub, buildSchema, createResolversMap } from 'type-graphql';
import { API_KEY_SCOPE_DIRECTIVE } from './auth/api-key-scope';
import { authChecker } from './auth/auth-checker';
import { CACHE_CONTROL_DIRECTIVE } from './cache-hints';
import { ERROR_ENUMS_SDL } from './error-enums';
import type { RequestContext } from './context';
import { DevelopmentOnlyNames, withoutDevelopmentSurface } from './development-surface';
import { applyGlobalIds } from './ids/global-ids-transform';

/**
 * Federation 2 features the subgraphs may use; one `@link` for all of them. v2.9 brings the
 * demand-control directives `@cost` and `@listSize` (see demand-control.ts).
 */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@cost", "@listSize"])';

/**
 * What the router sends for an entity: its type name and key (every entity here is keyed by
 * `id`), plus any `@requires` fields, which a resolver checks before use.
 */
export interface EntityRepresentation {
  __typename: string;
  id: string;
  [field: string]: unknown;
}

/** Turns an entity representation into the subgraph's object, or null. */
export type ReferenceResolver = (
  reference: EntityRepresentation,
  context: RequestContext,
  info: GraphQLResolveInfo,
) => unknown;

/** Entity type name → how this subgraph resolves its representations. */
export type ReferenceResolvers = Record<string, { __resolveReference: ReferenceResolver }>;

export interface FederatedSchemaOptions {
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  container?: BuildSchemaOptions['container'];
  /** `__resolveReference` per entity type; each should go through a DataLoader. */
  references?: ReferenceResolvers;
  /** Parts to leave out (the development-only surface, in the production variant). */
  without?: DevelopmentOnlyNames;
  /** SDL and resolvers added to type-graphql's (the users subgraph's `Node`, when global ids are on). */
  extension?: SchemaExtension;
  /** Global ids at this subgraph's edge (ids/global-ids-transform.ts): every subgraph has them; a kit test compares without. */
  globalIds?: boolean;
}

/** SDL a subgraph adds beside its decorated classes, with the resolvers of what it declares. */
export interface SchemaExtension {
  typeDefs: string;
  resolvers: SubgraphResolvers;
}

/**
 * type-graphql refuses to build a `@Subscription` without a pubSub, even one with its own
 * `subscribe`. Subscriptions here follow the kit's ChangeFeed (`subscribe: … changeStream`),
 * which works across processes; type-graphql's in-memory topics would not, so none exist.
 */
const changeFeedOnly: PubSub = {
  publish: () => {
    throw new Error('subscriptions follow the ChangeFeed: publish with deps.changes, not type-graphql topics');
  },
  subscribe: () => {
    throw new Error(
      'subscriptions follow the ChangeFeed: give @Subscription a `subscribe` that returns changeStream(...)',
    );
  },
};

/**
 * The one bridge from type-graphql to `@apollo/subgraph`: type-graphql builds the
 * schema from decorators, its SDL (with `@key` and friends) becomes a subgraph schema,
 * and type-graphql's resolvers are merged with the entity reference resolvers.
 */
export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    container: options.container,
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    // Subgraphs may have no Query of their own; composition checks the whole.
    skipCheck: true,
    pubSub: changeFeedOnly,
  });
  const schema = options.without ? withoutDevelopmentSurface(built, options.without) : built;
  const resolvers = createResolversMap(schema) as SubgraphResolvers;
  const extension = options.extension?.resolvers ?? {};
  for (const [typeName, typeResolvers] of [...Object.entries(options.references ?? {}), ...Object.entries(extension)]) {
    resolvers[typeName] = { ...resolvers[typeName], ...(typeResolvers as object) } as never;
  }
  const subgraphSchema = buildSubgraphSchema({
    typeDefs: foldObjectExtensions(
      parse(
        `${FEDERATION_LINK}\n${CACHE_CONTROL_DIRECTIVE}\n${API_KEY_SCOPE_DIRECTIVE}\n${ERROR_ENUMS_SDL}\n${printSchemaWithDirectives(schema)}\n${options.extension?.typeDefs ?? ''}`,
      ),
    ),
    resolvers,
  });
  return (options.globalIds ?? true) ? applyGlobalIds(subgraphSchema) : subgraphSchema;
}

/**
 * `extend type User implements Node` of a type defined in the same document, folded into its
 * definition: the subgraph's SDL then shows one documented `type User implements Node`.
 */
function foldObjectExtensions(document: DocumentNode): DocumentNode {
  const extensions = new Map<string, ObjectTypeExtensionNode[]>();
  const defined = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) defined.add(definition.name.value);
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION)
      extensions.set(definition.name.value, [...(extensions.get(definition.name.value) ?? []), definition]);
  }
  const folded = (name: string) => defined.has(name) && extensions.has(name);
  const definitions = document.definitions.flatMap((definition): DefinitionNode[] => {
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION && folded(definition.name.value)) return [];
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !folded(definition.name.value)) return [definition];
    const more = extensions.get(definition.name.value)!;
    return [
      {
        ...definition,
        interfaces: [...(definition.interfaces ?? []), ...more.flatMap((extension) => extension.interfaces ?? [])],
        directives: [...(definition.directives ?? []), ...more.flatMap((extension) => extension.directives ?? [])],
        fields: [...(definition.fields ?? []), ...more.flatMap((extension) => extension.fields ?? [])],
      },
    ];
  });
  return { ...document, definitions };
}

/** The resolver map `buildSubgraphSchema` takes, named through its public signature (the type itself is not exported). */
export type SubgraphResolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

/** The SDL a subgraph contributes to composition (what `npm run schema` writes). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}
