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
  TypeMetaFieldDef,
  ValidationContext,
  ValidationRule,
  getNamedType,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import { maxAliasesRule as armorMaxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule as armorMaxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { CostLimits, costBudget, describe, maxCostRule } from './cost';

/**
 * Operation limits run as validation rules, so an operation that breaks one is refused
 * before the gateway plans it and before any subgraph sees it. Aliases and directives are
 * counted by GraphQL Armor's rules; depth by our own (see DepthMeter: Armor's cannot let
 * GraphiQL's introspection through without exempting all of `__schema`); cost by cost.ts;
 * tokens by graphql-js's parser (`maxTokens`). Fragments are followed: spreading a fragment
 * costs what the fragment costs, each measured once (memoized), so a document of fragments
 * spreading fragments cannot make a rule exponential.
 */

export interface OperationLimits extends CostLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

/** Who runs the operation, with which variables: what the cost budget depends on. */
export interface OperationRequest {
  signedIn: boolean;
  variables?: Readonly<Record<string, unknown>> | null;
}

/**
 * The rules that depend on the document alone, and, given the request, the cost limit too.
 * Apollo Server caches a validated document and skips these rules on its next use, so over
 * HTTP the cost limit, which depends on the caller, runs in costLimitPlugin instead.
 */
export function limitRules(limits: OperationLimits, request?: OperationRequest): ValidationRule[] {
  const rules = [
    maxDepthRule(limits.maxDepth),
    maxAliasesRule(limits.maxAliases),
    maxDirectivesRule(limits.maxDirectives),
  ];
  if (request) {
    const { signedIn, variables } = request;
    rules.push(maxCostRule(costBudget(limits, signedIn), variables ?? undefined, signedIn));
  }
  return rules;
}

export function maxDepthRule(maxDepth: number): ValidationRule {
  return (context) =>
    perOperation((operation) => {
      const depth = new DepthMeter(context).operationDepth(operation);
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`${describe(operation)} is ${depth} levels deep; the limit is ${maxDepth}`, {
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
