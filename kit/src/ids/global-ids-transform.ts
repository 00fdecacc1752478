import {
  GraphQLArgument,
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInputObjectType,
  isListType,
  isObjectType,
} from 'graphql';
import { FieldError, badInput } from '../errors';
import { globalId, globalIdProblem, parseGlobalId, typeNamedBy } from './global-id';

/**
 * Global ids at a subgraph's edge, applied once to the built subgraph schema (in place, as
 * `buildSubgraphSchema` attaches resolvers): every `id: ID` field answers `<Parent>:<uuid>`
 * (a field named `<type>Id`, e.g. `deletedReviewId`, answers that type's id), every `ID`
 * argument and input field (nested, in lists, in subscription arguments) is checked and
 * decoded to its uuid before the resolver runs, and every entity representation's `id`
 * is decoded before `__resolveReference`. Resolvers and services keep working with uuids.
 *
 * An id whose expected type is abstract (`node(id:)` returns `Node`) is checked (a global id
 * of one of its possible types) but passed on whole: that resolver needs the typename.
 */
export function applyGlobalIds(schema: GraphQLSchema): GraphQLSchema {
  const inputs = new InputIds();
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.values(type.getFields())) {
      encodeOutput(type, field);
      decodeArguments(schema, field, inputs, roots.has(type));
    }
  }
  for (const type of entityTypes(schema)) decodeRepresentations(type);
  return schema;
}

/** The id type an output field answers: `id` its parent's, `<type>Id` that type's. */
function encodeOutput(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): void {
  if (getNamedType(field.type).name !== 'ID') return;
  const typename = field.name === 'id' ? parent.name : typeNamedBy(field.name);
  if (!typename) return;
  const resolve = field.resolve ?? defaultFieldResolver;
  const encode = (value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    if (Array.isArray(value)) return value.map(encode);
    // An id is a string (a uuid) or, for graphql-js's ID, a number.
    const id = typeof value === 'number' ? String(value) : (value as string);
    return parseGlobalId(id)?.typename === typename ? id : globalId(typename, id);
  };
  field.resolve = (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    return isPromiseLike(value) ? Promise.resolve(value).then(encode) : encode(value);
  };
}

/** Wraps `resolve` and `subscribe` so they receive decoded arguments; BAD_USER_INPUT for bad ids. */
function decodeArguments(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  inputs: InputIds,
  isRoot: boolean,
): void {
  const idArgs = field.args.filter((argument) => inputs.holdsIds(argument.type));
  if (idArgs.length === 0) return;
  const decodeArgs = (args: Record<string, unknown>): Record<string, unknown> => {
    const problems: FieldError[] = [];
    const decoded = { ...args };
    for (const argument of idArgs) {
      if (!(argument.name in args)) continue;
      const expected = expectedOfArgument(schema, field, argument, isRoot);
      decoded[argument.name] = inputs.decode(args[argument.name], argument.type, argument.name, expected, problems);
    }
    if (problems.length > 0) throw badInput(problems, 'Invalid id');
    return decoded;
  };
  const wrap = (resolver: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
    function (this: unknown, source, args: Record<string, unknown>, context, info) {
      return resolver.call(this, source, decodeArgs(args), context, info);
    };
  field.resolve = wrap(field.resolve ?? defaultFieldResolver);
  if (field.subscribe) field.subscribe = wrap(field.subscribe);
}

/** What an id argument must be: named by its name, or for `id`/`ids` of a lookup its return type. */
function expectedOfArgument(
  schema: GraphQLSchema,
  field: GraphQLField<unknown, unknown>,
  argument: GraphQLArgument,
  isRoot: boolean,
): Expected {
  if (argument.name === 'id' || argument.name === 'ids') {
    const returned = getNamedType(field.type);
    if (isAbstractType(returned))
      return { types: new Set(schema.getPossibleTypes(returned).map((type) => type.name)), keepWhole: true };
    if (isRoot && isObjectType(returned) && returned.getFields().id) return { types: new Set([returned.name]) };
    return { types: undefined };
  }
  const named = typeNamedBy(argument.name);
  return { types: named ? new Set([named]) : undefined };
}

interface Expected {
  /** Typenames an id may have; any when undefined. */
  types: ReadonlySet<string> | undefined;
  /** Pass the global id on (abstract lookups need the typename) instead of its uuid. */
  keepWhole?: boolean;
}

/** Which input types hold ids, and how to decode a value of one. */
class InputIds {
  private readonly known = new Map<GraphQLInputObjectType, boolean>();

  holdsIds(type: GraphQLInputType): boolean {
    const named = getNamedType(type) as GraphQLNamedType;
    if (named.name === 'ID') return true;
    if (!isInputObjectType(named)) return false;
    const known = this.known.get(named);
    if (known !== undefined) return known;
    this.known.set(named, false); // a recursive input holds ids only through its other fields
    const holds = Object.values(named.getFields()).some((field) => this.holdsIds(field.type));
    this.known.set(named, holds);
    return holds;
  }

  decode(value: unknown, type: GraphQLInputType, path: string, expected: Expected, problems: FieldError[]): unknown {
    if (value === null || value === undefined) return value;
    const nullable = getNullableType<GraphQLInputType>(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      return items.map((item, index) => this.decode(item, nullable.ofType, `${path}.${index}`, expected, problems));
    }
    if (isInputObjectType(nullable)) {
      if (!this.holdsIds(nullable)) return value;
      const record = value as Record<string, unknown>;
      const decoded: Record<string, unknown> = { ...record };
      for (const field of Object.values(nullable.getFields())) {
        if (!(field.name in record) || !this.holdsIds(field.type)) continue;
        const named = field.name === 'id' ? undefined : typeNamedBy(field.name);
        const inner: Expected = { types: named ? new Set([named]) : undefined };
        decoded[field.name] = this.decode(record[field.name], field.type, `${path}.${field.name}`, inner, problems);
      }
      return decoded;
    }
    if (nullable.name !== 'ID') return value;
    const problem = globalIdProblem(value, expected.types);
    if (problem) {
      problems.push({ field: path, message: problem });
      return value;
    }
    return expected.keepWhole ? value : parseGlobalId(value)!.uuid;
  }
}

/** Object types with `@key` (the `_Entity` union's members). */
function entityTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  const entity = schema.getType('_Entity');
  return entity && isAbstractType(entity) ? [...schema.getPossibleTypes(entity)] : [];
}

type ReferenceResolver = (reference: Record<string, unknown>, context: unknown, info: unknown) => unknown;

/**
 * A representation carries the `id` another subgraph answered (`Order:<uuid>`); its owner's
 * `__resolveReference` gets the uuid. One whose id is not of this type matches nothing: null.
 * A type without a reference resolver gets one, so its resolvers see the uuid too. A type
 * without an `id` field is left as it is: its key is not an id.
 */
function decodeRepresentations(type: GraphQLObjectType): void {
  const extensions = type.extensions as { apollo?: { subgraph?: { resolveReference?: ReferenceResolver } } };
  const resolveReference: ReferenceResolver =
    extensions.apollo?.subgraph?.resolveReference ?? ((reference: Record<string, unknown>) => reference);
  // An entity keyed by other fields (PlatformStatsBucket, by its bounds) has no id to decode.
  if (!type.getFields().id) {
    return;
  }
  const decoded: ReferenceResolver = (reference, context, info) => {
    const parsed = parseGlobalId(reference.id);
    if (!parsed || parsed.typename !== type.name) return null;
    return resolveReference({ ...reference, id: parsed.uuid }, context, info);
  };
  type.extensions = {
    ...type.extensions,
    apollo: { ...extensions.apollo, subgraph: { ...extensions.apollo?.subgraph, resolveReference: decoded } },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
