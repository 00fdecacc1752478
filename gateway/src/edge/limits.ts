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

/**
 * Operation limits run as validation rules, so an operation that breaks one is refused
 * before the gateway plans it and before any subgraph sees it. Fragments are followed:
 * spreading a fragment costs what the fragment costs. Each fragment is measured once
 * (memoized), so a document of fragments spreading fragments cannot make this exponential.
 */

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
}

export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [maxDepthRule(limits.maxDepth), maxAliasesRule(limits.maxAliases)];
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

export function maxAliasesRule(maxAliases: number): ValidationRule {
  return (context) =>
    perOperation((operation) => {
      const aliases = new AliasCounter(context).count(operation.selectionSet);
      if (aliases > maxAliases) {
        context.reportError(
          new GraphQLError(`${describe(operation)} uses ${aliases} aliases; the limit is ${maxAliases}`, {
            nodes: [operation],
            extensions: { limit: 'aliases', max: maxAliases, actual: aliases },
          }),
        );
      }
    });
}

function perOperation(check: (operation: OperationDefinitionNode) => void): ASTVisitor {
  return { OperationDefinition: (operation) => void check(operation) };
}

function describe(operation: OperationDefinitionNode): string {
  return operation.name ? `Operation "${operation.name.value}"` : 'The operation';
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

/** Every aliased field counts, including those reached through (possibly repeated) fragment spreads. */
class AliasCounter {
  private readonly fragmentCounts = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  count(selectionSet: SelectionSetNode): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += (selection.alias ? 1 : 0) + (selection.selectionSet ? this.count(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += this.count(selection.selectionSet);
      } else {
        total += this.fragmentCount(this.context.getFragment(selection.name.value));
      }
    }
    return total;
  }

  private fragmentCount(fragment: FragmentDefinitionNode | null | undefined): number {
    if (!fragment) return 0;
    const name = fragment.name.value;
    const known = this.fragmentCounts.get(name);
    if (known !== undefined) return known;
    if (this.visiting.has(name)) return 0;
    this.visiting.add(name);
    const count = this.count(fragment.selectionSet);
    this.visiting.delete(name);
    this.fragmentCounts.set(name, count);
    return count;
  }
}
