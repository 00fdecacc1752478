import type { ApolloServerPlugin } from '@apollo/server';
import {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  SelectionSetNode,
  ValidationRule,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
} from 'graphql';
import { describeOperation, fragmentsByName } from '@marketplace/kit';
import { CostDirectives, ListSize, costDirectivesOf } from './cost-directives';
import type { GatewayContext } from './request-context';

/**
 * Static cost analysis, before planning: an operation's cost estimates the objects it can
 * make the subgraphs produce, following the demand-control rules Apollo Router applies to
 * the same `@cost` / `@listSize` directives (cost-directives.ts). An object costs 1 and a
 * scalar 0 unless `@cost` says otherwise; a field costs its weight plus its selections',
 * times the list's size for a list: the value of its slicing argument (`first`, its default
 * when left out), else its `assumedSize`, else DEFAULT_LIST_SIZE. A mutation adds
 * MUTATION_COST. Introspection is not counted: the gateway answers it alone, and the depth
 * limit bounds it. Fragments are followed and measured once per use context (memoized).
 */

/** For a list no `@listSize` sizes (Apollo Router's `static_estimated.list_size` should match). */
export const DEFAULT_LIST_SIZE = 10;
/** What Apollo Router adds for a mutation operation. */
export const MUTATION_COST = 10;
export const COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED';

export interface CostLimits {
  /** Budget of a signed-in caller's operation. */
  maxCost: number;
  /** Budget of an anonymous caller's operation: lower, as anyone can send it from anywhere. */
  maxCostAnonymous: number;
}

export function costBudget(limits: CostLimits, signedIn: boolean): number {
  return signedIn ? limits.maxCost : limits.maxCostAnonymous;
}

export function costLimitExceeded(
  operation: OperationDefinitionNode,
  cost: number,
  max: number,
  signedIn: boolean,
): GraphQLError {
  const advice = signedIn
    ? 'ask for smaller pages or fewer nested lists'
    : 'ask for smaller pages or fewer nested lists, or sign in for a larger budget';
  return new GraphQLError(`${describeOperation(operation)} costs ${cost}, over the limit of ${max}: ${advice}`, {
    nodes: [operation],
    extensions: { code: COST_LIMIT_EXCEEDED, limit: 'cost', cost, max, http: { status: 400 } },
  });
}

/** The cost limit as a validation rule, for one request (its caller's budget and variables). */
export function maxCostRule(
  maxCost: number,
  variables: Readonly<Record<string, unknown>> | undefined,
  signedIn: boolean,
): ValidationRule {
  return (context) => {
    const meter = new CostMeter(context.getSchema(), (name) => context.getFragment(name) ?? undefined);
    return {
      OperationDefinition: (operation) => {
        const cost = meter.operationCost(operation, variables);
        if (cost > maxCost) context.reportError(costLimitExceeded(operation, cost, maxCost, signedIn));
      },
    };
  };
}

/**
 * The cost limit over HTTP: after Apollo Server picked the operation, before the gateway
 * plans it. (Not a validation rule there: Apollo Server caches a validated document and
 * skips validation on its next use, whoever sends it.)
 */
export function costLimitPlugin(limits: CostLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const fragments = fragmentsByName(document);
          const signedIn = Boolean(contextValue.viewer);
          const max = costBudget(limits, signedIn);
          const cost = new CostMeter(schema, (name) => fragments.get(name)).operationCost(operation, request.variables);
          if (cost > max) throw costLimitExceeded(operation, cost, max, signedIn);
        },
      };
    },
  };
}

export class CostMeter {
  private readonly directives: CostDirectives;
  private readonly fragmentCosts = new Map<string, number>();
  private readonly visiting = new Set<string>();
  private variables: Readonly<Record<string, unknown>> = {};

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragment: (name: string) => FragmentDefinitionNode | undefined,
  ) {
    this.directives = costDirectivesOf(schema);
  }

  operationCost(operation: OperationDefinitionNode, variables?: Readonly<Record<string, unknown>> | null): number {
    this.variables = this.coerce(operation, variables ?? {});
    this.fragmentCosts.clear();
    const root = this.schema.getRootType(operation.operation) ?? undefined;
    const base = operation.operation === OperationTypeNode.MUTATION ? MUTATION_COST : 0;
    return base + this.selectionSetCost(operation.selectionSet, root, undefined);
  }

  /** `sized`: sizes the parent's `@listSize(sizedFields:)` gives to fields of this selection set. */
  private selectionSetCost(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    sized: ReadonlyMap<string, number> | undefined,
  ): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.fieldCost(selection, parentType, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? (this.schema.getType(selection.typeCondition.name.value) ?? undefined)
          : parentType;
        total += this.selectionSetCost(selection.selectionSet, type, sized);
      } else {
        total += this.fragmentCost(selection.name.value, sized);
      }
    }
    return total;
  }

  private fieldCost(
    node: FieldNode,
    parentType: GraphQLNamedType | undefined,
    sized: ReadonlyMap<string, number> | undefined,
  ): number {
    const name = node.name.value;
    // __typename, __schema, __type: answered by the gateway itself.
    if (name.startsWith('__')) return 0;
    if (!parentType || !(isObjectType(parentType) || isInterfaceType(parentType))) return 0;
    const field = parentType.getFields()[name];
    if (!field) return 0;
    const type = getNamedType(field.type);
    const key = `${parentType.name}.${name}`;
    const weight =
      this.directives.fieldWeights.get(key) ??
      this.directives.typeWeights.get(type.name) ??
      (isCompositeType(type) ? 1 : 0);
    const listSize = this.directives.listSizes.get(key);
    let childSized: Map<string, number> | undefined;
    let size = sized?.get(name) ?? DEFAULT_LIST_SIZE;
    if (listSize) {
      const slice = this.sliceSize(listSize, field, node);
      if (listSize.sizedFields.length > 0) childSized = new Map(listSize.sizedFields.map((f) => [f, slice]));
      else size = slice;
    }
    const count = isListType(getNullableType(field.type)) ? size : 1;
    const children = node.selectionSet ? this.selectionSetCost(node.selectionSet, type, childSized) : 0;
    return count * (weight + children);
  }

  /** The largest slicing argument given (or defaulted in the schema), else the assumed size. */
  private sliceSize(listSize: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
    let largest: number | undefined;
    for (const argumentName of listSize.slicingArguments) {
      const value = this.argumentValue(field, node, argumentName);
      if (typeof value === 'number' && Number.isFinite(value)) largest = Math.max(largest ?? 0, value);
    }
    // A negative page is refused by the subgraph; here it simply asks for nothing.
    return Math.max(0, largest ?? listSize.assumedSize ?? DEFAULT_LIST_SIZE);
  }

  private argumentValue(field: GraphQLField<unknown, unknown>, node: FieldNode, name: string): unknown {
    const given = node.arguments?.find((argument) => argument.name.value === name)?.value;
    if (given?.kind === Kind.INT) return Number(given.value);
    if (given?.kind === Kind.VARIABLE) return this.variables[given.name.value];
    if (given) return undefined;
    return field.args.find((argument) => argument.name === name)?.defaultValue;
  }

  private fragmentCost(name: string, sized: ReadonlyMap<string, number> | undefined): number {
    const key = sized ? `${name}|${[...sized].join(',')}` : name;
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragment(name);
    // A cycle is invalid anyway (NoFragmentCyclesRule reports it); just stop walking it.
    if (!fragment || this.visiting.has(key)) return 0;
    this.visiting.add(key);
    const type = this.schema.getType(fragment.typeCondition.name.value) ?? undefined;
    const cost = this.selectionSetCost(fragment.selectionSet, type, sized);
    this.visiting.delete(key);
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  /** Variables as execution will see them (defaults applied); as sent when they do not coerce (execution refuses those). */
  private coerce(
    operation: OperationDefinitionNode,
    raw: Readonly<Record<string, unknown>>,
  ): Readonly<Record<string, unknown>> {
    const { coerced } = getVariableValues(this.schema, operation.variableDefinitions ?? [], raw, { maxErrors: 1 });
    return coerced ?? raw;
  }
}
