import {
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TokenKind,
  TypeMetaFieldDef,
  ValidationContext,
  ValidationRule,
  getNamedType,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import { Parser } from 'graphql/language/parser';
import { maxAliasesRule as armorMaxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule as armorMaxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { EnvReader } from '../config';

/**
 * The limits on an operation's shape, which depend on the document alone: depth, aliases,
 * directives and tokens. The gateway checks them (with its cost limit) before planning;
 * every subgraph port checks them too (operation-limits-plugin.ts), so a caller who reaches
 * a port directly meets the same limits. Aliases and directives are counted by GraphQL
 * Armor's rules; depth by our own (see DepthMeter: Armor's cannot let GraphiQL's
 * introspection through without exempting all of `__schema`); tokens by graphql-js's parser
 * (`maxTokens`). Fragments are followed: spreading a fragment costs what the fragment costs,
 * each measured once (memoized), so fragments spreading fragments cannot make a rule exponential.
 */

export const DEFAULT_MAX_DEPTH = 12;
export const DEFAULT_MAX_ALIASES = 30;
/** `@include`/`@skip` and friends in one operation: a real client needs a handful. */
export const DEFAULT_MAX_DIRECTIVES = 50;
/** Lexical tokens of one document (graphql-js's `maxTokens`): the largest client operation is well under 1,000. */
export const DEFAULT_MAX_TOKENS = 5_000;

export interface OperationShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

/** `GRAPHQL_MAX_DEPTH`, `GRAPHQL_MAX_ALIASES`, `GRAPHQL_MAX_DIRECTIVES`, `GRAPHQL_MAX_TOKENS`: one setting for the gateway and every subgraph. */
export function readOperationLimits(env: EnvReader): OperationShapeLimits {
  return {
    maxDepth: env.int('GRAPHQL_MAX_DEPTH', DEFAULT_MAX_DEPTH, { min: 1, max: 1_000 }),
    maxAliases: env.int('GRAPHQL_MAX_ALIASES', DEFAULT_MAX_ALIASES, { min: 0, max: 10_000 }),
    maxDirectives: env.int('GRAPHQL_MAX_DIRECTIVES', DEFAULT_MAX_DIRECTIVES, { min: 0, max: 10_000 }),
    maxTokens: env.int('GRAPHQL_MAX_TOKENS', DEFAULT_MAX_TOKENS, { min: 100, max: 1_000_000 }),
  };
}

/** The depth, alias and directive rules, for graphql-js's `validate` (tokens are counted while parsing). */
export function operationShapeRules(limits: Omit<OperationShapeLimits, 'maxTokens'>): ValidationRule[] {
  return [maxDepthRule(limits.maxDepth), maxAliasesRule(limits.maxAliases), maxDirectivesRule(limits.maxDirectives)];
}

/** `Operation "Name"`, or `The operation` when it has none: how every limit's message names it. */
export function describeOperation(operation: OperationDefinitionNode): string {
  return operation.name ? `Operation "${operation.name.value}"` : 'The operation';
}

export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context) =>
    perOperation((operation) => {
      const depth = new DepthMeter(context).operationDepth(operation);
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`${describeOperation(operation)} is ${depth} levels deep; the limit is ${maxDepth}`, {
            nodes: [operation],
            extensions: { limit: 'depth', max: maxDepth, actual: depth },
          }),
        );
      }
    });
}

/** Every aliased field counts, including those reached through (possibly repeated) fragment spreads. */
export function maxAliasesRule(maxAliases: number): ValidationRule {
  return armorMaxAliasesRule({ n: maxAliases, allowList: [], ...reportedAs('aliases', maxAliases) });
}

/** Every directive in the operation counts (`@include`, `@skip`, …), through fragments as for aliases. */
export function maxDirectivesRule(maxDirectives: number): ValidationRule {
  return armorMaxDirectivesRule({ n: maxDirectives, ...reportedAs('directives', maxDirectives) });
}

/**
 * The parser's own refusal of a document over `maxTokens` ("Syntax Error: Document contains
 * more that N tokens. Parsing aborted."), found by lexing no further than token N + 1 and
 * building no AST; undefined when the document is within the limit. A document that does not
 * lex is not this check's to report: parsing it reports it as usual.
 */
export function tokenLimitRefusal(query: string, maxTokens: number): GraphQLError | undefined {
  const parser = new Parser(query, { maxTokens });
  try {
    while (!parser.peek(TokenKind.EOF)) parser.advanceLexer();
  } catch (error) {
    if (error instanceof GraphQLError && parser.tokenCount > maxTokens) return error;
  }
  return undefined;
}

/**
 * Armor's rules throw their error out of `validate` by default, which Apollo Server would
 * answer with a 500. Reported through the validation context instead, the refusal is a
 * GRAPHQL_VALIDATION_FAILED like any other, with the limit in its extensions. Armor words
 * its message as a "Syntax Error", which it is not (and which graphql-ws would then call
 * GRAPHQL_PARSE_FAILED): that prefix goes.
 */
function reportedAs(limit: string, max: number) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit, max } }),
        ),
    ],
  };
}

function perOperation(check: (operation: OperationDefinitionNode) => void): ASTVisitor {
  return { OperationDefinition: (operation) => void check(operation) };
}

/**
 * Depth is the number of nested fields: `{ a }` is 1, `{ a { b } }` is 2. Introspection
 * fields count like any other, with one exception: `__Type.ofType`, which unwraps
 * List/NonNull of one type reference. Its nesting is bounded by the schema, costs
 * nothing to resolve, and GraphiQL's standard introspection query nests it 7 levels
 * (15 in all) — counting it would lock the playground out at any sensible limit.
 */
class DepthMeter {
  private readonly schema: GraphQLSchema;
  private readonly fragmentDepths = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(private readonly context: ValidationContext) {
    this.schema = context.getSchema();
  }

  operationDepth(operation: OperationDefinitionNode): number {
    return this.selectionSetDepth(operation.selectionSet, this.schema.getRootType(operation.operation) ?? undefined);
  }

  private selectionSetDepth(selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined): number {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      let depth: number;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const own = parentType?.name === '__Type' && name === 'ofType' ? 0 : 1;
        depth =
          own +
          (selection.selectionSet
            ? this.selectionSetDepth(selection.selectionSet, this.fieldType(parentType, name))
            : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? (this.schema.getType(selection.typeCondition.name.value) ?? undefined)
          : parentType;
        depth = this.selectionSetDepth(selection.selectionSet, type);
      } else {
        depth = this.fragmentDepth(this.context.getFragment(selection.name.value));
      }
      deepest = Math.max(deepest, depth);
    }
    return deepest;
  }

  private fragmentDepth(fragment: FragmentDefinitionNode | null | undefined): number {
    if (!fragment) return 0;
    const name = fragment.name.value;
    const known = this.fragmentDepths.get(name);
    if (known !== undefined) return known;
    // A cycle is invalid anyway (NoFragmentCyclesRule reports it); just stop walking it.
    if (this.visiting.has(name)) return 0;
    this.visiting.add(name);
    const depth = this.selectionSetDepth(
      fragment.selectionSet,
      this.schema.getType(fragment.typeCondition.name.value) ?? undefined,
    );
    this.visiting.delete(name);
    this.fragmentDepths.set(name, depth);
    return depth;
  }

  private fieldType(parentType: GraphQLNamedType | undefined, name: string): GraphQLNamedType | undefined {
    if (!parentType) return undefined;
    if (parentType === this.schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return getNamedType(SchemaMetaFieldDef.type);
      if (name === TypeMetaFieldDef.name) return getNamedType(TypeMetaFieldDef.type);
    }
    if (!isObjectType(parentType) && !isInterfaceType(parentType)) return undefined;
    const field = parentType.getFields()[name];
    return field ? getNamedType(field.type) : undefined;
  }
}
