import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLResolveInfo, GraphQLSchema, parse } from 'graphql';
import { BuildSchemaOptions, PubSub, buildSchema, createResolversMap } from 'type-graphql';
import { authChecker } from './auth/auth-checker';
import { CACHE_CONTROL_DIRECTIVE } from './cache-hints';
import { ERROR_ENUMS_SDL } from './error-enums';
import type { RequestContext } from './context';
import { DevelopmentOnlyNames, withoutDevelopmentSurface } from './development-surface';

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
  for (const [typeName, typeResolvers] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...(typeResolvers as object) } as never;
  }
  return buildSubgraphSchema({
    typeDefs: parse(
      `${FEDERATION_LINK}\n${CACHE_CONTROL_DIRECTIVE}\n${ERROR_ENUMS_SDL}\n${printSchemaWithDirectives(schema)}`,
    ),
    resolvers,
  });
}

/** The resolver map `buildSubgraphSchema` takes, named through its public signature (the type itself is not exported). */
type SubgraphResolvers = NonNullable<
  Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']
>;

/** The SDL a subgraph contributes to composition (what `npm run schema` writes). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}
