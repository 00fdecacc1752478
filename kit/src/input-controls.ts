import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  parse,
} from 'graphql';
import { AppError, FieldError, badInput } from './errors';
import { CONTROL_CHARACTERS_EXCEPT_LINES } from './validation';
import { fragmentsByName } from './graphql-documents';

/**
 * A refusal lists at most this many values, so a list of ten thousand bad strings cannot
 * make the error larger than the request.
 */
const MAX_REPORTED_VALUES = 20;

/**
 * `_entities` representations are the router's, built from other subgraphs' answers, not
 * a client's input; the client's own arguments were checked before the router planned.
 */
const ROUTER_ARGUMENTS = new Set(['_entities.representations']);

/** In unicode mode a paired surrogate is one code point, so this matches only an unpaired one. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** Why one string may not be used, or undefined when it may. */
export function controlProblemOf(value: string): string | undefined {
  if (CONTROL_CHARACTERS_EXCEPT_LINES.test(value)) return 'must not contain control characters';
  // An unpaired surrogate cannot be encoded as UTF-8: Postgres would store U+FFFD instead.
  if (UNPAIRED_SURROGATE.test(value)) return 'must be valid Unicode text (no unpaired surrogate)';
  return undefined;
}

/**
 * Every string a client passes in the chosen operation's arguments (literals and variables
 * alike, after coercion, inside input objects and lists) that contains a control character
 * other than tab, line feed and carriage return, or an unpaired surrogate. Fields say where:
 * the argument, then the path inside it (`input.tags.2`), as class-validator names them.
 * Anything that does not coerce is left to execution, which reports it as it always has.
 */
export function controlCharactersIn(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): FieldError[] {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  const root = schema.getRootType(operation.operation);
  if (coerced.errors || !root) return [];
  const fragments = fragmentsByName(document);
  const found = new Map<string, FieldError>();
  const walk = new OperationWalk(schema, fragments, coerced.coerced, found);
  walk.selections(root, operation.selectionSet, '');
  return [...found.values()].slice(0, MAX_REPORTED_VALUES);
}

/** Follows the operation's selections (each fragment once) and checks every field's arguments. */
class OperationWalk {
  private readonly visitedFragments = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly found: Map<string, FieldError>,
  ) {}

  /** `at` is the response path, which tells apart two fields taking an argument of one name. */
  selections(parent: GraphQLNamedType, selectionSet: SelectionSetNode, at: string): void {
    for (const selection of selectionSet.selections) {
      if (this.found.size >= MAX_REPORTED_VALUES) return;
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(parent, selection.name.value);
        if (!field) continue;
        const path = `${at}/${selection.alias?.value ?? selection.name.value}`;
        this.arguments(field, selection, path);
        if (selection.selectionSet) this.selections(getNamedType(field.type), selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (type) this.selections(type, selection.selectionSet, at);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || this.visitedFragments.has(name)) continue;
        this.visitedFragments.add(name);
        const type = this.schema.getType(fragment.typeCondition.name.value);
        if (type) this.selections(type, fragment.selectionSet, at);
      }
    }
  }

  private arguments(
    field: GraphQLField<unknown, unknown>,
    node: Parameters<typeof getArgumentValues>[1],
    at: string,
  ): void {
    if (field.args.length === 0) return;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, node, this.variables);
    } catch (error) {
      // A value that does not coerce: execution refuses it with graphql-js's own message.
      if (error instanceof GraphQLError) return;
      throw error;
    }
    for (const [name, value] of Object.entries(values)) {
      if (!ROUTER_ARGUMENTS.has(`${field.name}.${name}`)) this.value(value, name, at);
    }
  }

  private value(value: unknown, path: string, at: string): void {
    if (this.found.size >= MAX_REPORTED_VALUES) return;
    if (typeof value === 'string') {
      const message = controlProblemOf(value);
      if (message) this.found.set(`${at}(${path}) ${message}`, { field: path, message });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => this.value(item, `${path}.${index}`, at));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) this.value(item, `${path}.${key}`, at);
    }
  }
}

function fieldOf(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** Coerced input objects have a null prototype; JSON-like scalars give plain objects. Dates and the like are not walked. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/** BAD_USER_INPUT naming each offending argument path, answered with HTTP 400 before anything runs. */
export function controlCharactersRefusal(problems: FieldError[]): AppError {
  const { message } = badInput(problems);
  return new AppError('BAD_USER_INPUT', message, { fields: problems, http: { status: 400 } });
}

/**
 * Refuses an operation whose arguments carry control characters before any resolver runs,
 * so no such string reaches Postgres, a log or another subgraph. One plugin for the
 * gateway and every subgraph (and, through the gateway's pipeline, for WebSocket operations).
 */
export function inputControlsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problems = controlCharactersIn(schema, document, operation, request.variables);
          if (problems.length > 0) throw controlCharactersRefusal(problems);
        },
      };
    },
  };
}

/**
 * The same refusal for graphql-ws served without Apollo Server (a subgraph's own
 * subscriptions): the errors to answer with, or undefined to let graphql-ws go on (which
 * also reports a document that does not parse).
 */
export function controlCharactersInMessage(
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
): GraphQLError[] | undefined {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch {
    return undefined;
  }
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return undefined;
  const problems = controlCharactersIn(schema, document, operation, payload.variables ?? undefined);
  return problems.length > 0 ? [controlCharactersRefusal(problems)] : undefined;
}
