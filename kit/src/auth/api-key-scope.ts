import {
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLSchema,
  GraphQLResolveInfo,
  Kind,
  defaultFieldResolver,
  getNamedType,
  isCompositeType,
  isObjectType,
} from 'graphql';
import type { Path } from 'graphql/jsutils/Path';
import { Directive } from 'type-graphql';
import type { RequestContext } from '../context';
import { ApiKeyScope } from '../contracts/api-key-scopes';
import { forbidden } from '../errors';

/** In every subgraph's SDL: the scope an API key needs for a field (the subgraph enforces it; composition drops it). */
export const API_KEY_SCOPE_DIRECTIVE = `
"""
The scope an API key must carry to use this field (see ApiKeyScope). Without it, API keys may use no root field and no private field (one answering differently per viewer); people signed in with a password are not affected.
"""
directive @apiKeyScope(
  """The scope, as a key lists it (\`sales:read\`)."""
  scope: String!
) on FIELD_DEFINITION`;

/** On a field an API key with `scope` may use: a root field it may call, or a private field it may read. */
export const ApiKeyScoped = (scope: ApiKeyScope): PropertyDecorator & MethodDecorator =>
  Directive(`@apiKeyScope(scope: "${scope}")`);

/** Federation's own root fields: the gateway's entity lookups, checked field by field on the entities themselves. */
const FEDERATION_ROOT_FIELDS = new Set(['_entities', '_service']);

type FieldRule = { kind: 'scoped'; scope: string } | { kind: 'refused' } | { kind: 'private' };

/**
 * Limits requests made with an API key (a viewer with `apiKey`) field by field, in every
 * subgraph; a person's requests pass untouched. A field marked `@apiKeyScope(scope: …)` needs
 * that scope. Any other root field is refused (a key may only call what a scope names, never
 * account, key or admin operations), and so is any other private field: one whose cache hint
 * says its answer depends on the viewer (`@cacheControl(maxAge: 0)`, or an object type with
 * no public hint), unless it sits under a scoped field the key was allowed (the scope covers
 * what it returns). Public fields (what an anonymous caller may read) stay open.
 *
 * Only the fields a rule applies to are wrapped, and their check costs one property read for
 * people: the rest of the schema runs as built.
 */
export function limitApiKeysToTheirScopes(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (roots.has(type) && FEDERATION_ROOT_FIELDS.has(field.name)) continue;
      const rule = ruleOf(field, roots.has(type));
      if (rule) guard(field, rule);
    }
  }
  return schema;
}

function ruleOf(field: GraphQLField<unknown, unknown>, isRoot: boolean): FieldRule | undefined {
  const scope = directiveArgument(field.astNode?.directives, 'apiKeyScope', 'scope');
  if (scope) return { kind: 'scoped', scope };
  if (isRoot) return { kind: 'refused' };
  return isPrivate(field) ? { kind: 'private' } : undefined;
}

/** As Apollo's cache hints read: the field's own hint first, then (for an object-typed field) its type's. */
function isPrivate(field: GraphQLField<unknown, unknown>): boolean {
  const own = cacheHintOf(field.astNode?.directives);
  if (own) return own === 'private';
  const named: GraphQLNamedType = getNamedType(field.type);
  if (!isCompositeType(named)) return false;
  return cacheHintOf(named.astNode?.directives) !== 'public';
}

type DirectiveNodes = NonNullable<GraphQLField<unknown, unknown>['astNode']>['directives'];

function cacheHintOf(directives: DirectiveNodes): 'public' | 'private' | undefined {
  const hint = directives?.find((directive) => directive.name.value === 'cacheControl');
  if (!hint) return undefined;
  const inherit = directiveArgument(directives, 'cacheControl', 'inheritMaxAge');
  if (inherit === 'true') return 'public';
  const maxAge = directiveArgument(directives, 'cacheControl', 'maxAge');
  return maxAge !== undefined && Number(maxAge) > 0 ? 'public' : 'private';
}

function directiveArgument(directives: DirectiveNodes, name: string, argument: string): string | undefined {
  const value = directives
    ?.find((directive) => directive.name.value === name)
    ?.arguments?.find((arg) => arg.name.value === argument)?.value;
  if (!value) return undefined;
  if (value.kind === Kind.STRING || value.kind === Kind.INT || value.kind === Kind.ENUM) return value.value;
  if (value.kind === Kind.BOOLEAN) return String(value.value);
  return undefined;
}

/** Per request: the paths of scoped fields a key was allowed, whose subtrees its scope covers. */
const allowedPaths = new WeakMap<object, Set<string>>();

function guard(field: GraphQLField<unknown, unknown>, rule: FieldRule): void {
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, context, info) => {
    const apiKey = (context as RequestContext | undefined)?.viewer?.apiKey;
    if (apiKey) check(rule, apiKey.scopes, context as RequestContext, info);
    return resolve(source, args, context, info);
  };
}

function check(rule: FieldRule, scopes: string[], context: RequestContext, info: GraphQLResolveInfo): void {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (rule.kind === 'scoped') {
    if (!scopes.includes(rule.scope))
      throw apiKeyRefusal(`API keys need the ${rule.scope} scope for ${field}`, rule.scope, field);
    let paths = allowedPaths.get(context);
    if (!paths) allowedPaths.set(context, (paths = new Set()));
    paths.add(pathKey(info.path));
    return;
  }
  if (rule.kind === 'private' && coveredByAllowedAncestor(context, info.path.prev)) return;
  throw apiKeyRefusal(`API keys may not use ${field}`, null, field);
}

function coveredByAllowedAncestor(context: RequestContext, path: Path | undefined): boolean {
  const paths = allowedPaths.get(context);
  if (!paths) return false;
  for (let at = path; at; at = at.prev) if (paths.has(pathKey(at))) return true;
  return false;
}

function pathKey(path: Path): string {
  const keys: Array<string | number> = [];
  for (let at: Path | undefined = path; at; at = at.prev) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * FORBIDDEN with `reason: API_KEY_NOT_ALLOWED`, the missing scope (null when none opens the
 * field) and the refused field (`Type.field`): every refusal of a key, wherever it is checked.
 */
export function apiKeyRefusal(message: string, requiredScope: string | null, field: string) {
  const error = forbidden(message, 'API_KEY_NOT_ALLOWED');
  Object.assign(error.extensions, { requiredScope, refusedField: field });
  return error;
}
