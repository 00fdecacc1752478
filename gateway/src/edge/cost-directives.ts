import {
  ConstDirectiveNode,
  ConstValueNode,
  DocumentNode,
  GraphQLSchema,
  Kind,
  ObjectTypeDefinitionNode,
  InterfaceTypeDefinitionNode,
  isTypeDefinitionNode,
  isTypeExtensionNode,
  parse,
} from 'graphql';

/**
 * Federation's demand-control directives as composition keeps them in the supergraph
 * (`@cost(weight:)`, `@listSize(...)`, spec https://specs.apollo.dev/cost/v0.1). The API
 * schema the gateway plans against drops them, so they are read from the supergraph SDL,
 * the very numbers Apollo Router's demand control reads.
 */
export interface ListSize {
  assumedSize: number | undefined;
  /** Arguments whose value is the list's size (`first`); the largest one given wins. */
  slicingArguments: string[];
  /** When set, the size applies to these fields of the returned object (a connection's `edges`), not to the field itself. */
  sizedFields: string[];
}

export interface CostDirectives {
  /** `Type.field` → weight. */
  fieldWeights: ReadonlyMap<string, number>;
  /** Type name → weight of each object of it. */
  typeWeights: ReadonlyMap<string, number>;
  /** `Type.field` → its declared list size. */
  listSizes: ReadonlyMap<string, ListSize>;
}

const COST_SPEC_URL = 'https://specs.apollo.dev/cost/';
export const NO_COST_DIRECTIVES: CostDirectives = {
  fieldWeights: new Map(),
  typeWeights: new Map(),
  listSizes: new Map(),
};

const declared = new WeakMap<GraphQLSchema, CostDirectives>();

/** Remembers the directives of the supergraph an API schema was made from (on every schema load). */
export function declareCostDirectives(apiSchema: GraphQLSchema, supergraphSdl: string): void {
  declared.set(apiSchema, readCostDirectives(parse(supergraphSdl)));
}

/** The directives declared for this schema; none (every field at its default weight) for any other schema. */
export function costDirectivesOf(schema: GraphQLSchema): CostDirectives {
  return declared.get(schema) ?? NO_COST_DIRECTIVES;
}

export function readCostDirectives(supergraph: DocumentNode): CostDirectives {
  const names = directiveNames(supergraph);
  const fieldWeights = new Map<string, number>();
  const typeWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  if (!names) return { fieldWeights, typeWeights, listSizes };
  for (const definition of supergraph.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives, names.cost);
    if (typeWeight !== undefined) typeWeights.set(typeName, typeWeight);
    if (!isFieldContainer(definition)) continue;
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives, names.cost);
      if (weight !== undefined) fieldWeights.set(key, weight);
      const listSize = field.directives?.find((directive) => directive.name.value === names.listSize);
      if (listSize) listSizes.set(key, readListSize(listSize));
    }
  }
  return { fieldWeights, typeWeights, listSizes };
}

function isFieldContainer(definition: {
  kind: Kind;
}): definition is ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode {
  return [
    Kind.OBJECT_TYPE_DEFINITION,
    Kind.OBJECT_TYPE_EXTENSION,
    Kind.INTERFACE_TYPE_DEFINITION,
    Kind.INTERFACE_TYPE_EXTENSION,
  ].includes(definition.kind);
}

/**
 * The names the supergraph's `@link` to the cost spec gives the directives: `@cost` is the
 * spec's namesake (renamed with `as:`), `@listSize` is `@cost__listSize` unless imported.
 */
function directiveNames(supergraph: DocumentNode): { cost: string; listSize: string } | undefined {
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = argument(link, 'url');
      if (url?.kind !== Kind.STRING || !url.value.startsWith(COST_SPEC_URL)) continue;
      const as = argument(link, 'as');
      const namespace = as?.kind === Kind.STRING ? as.value : 'cost';
      const imports = argument(link, 'import');
      const imported = (name: string): string | undefined => {
        for (const entry of imports?.kind === Kind.LIST ? imports.values : []) {
          if (entry.kind === Kind.STRING && entry.value === `@${name}`) return name;
          if (entry.kind !== Kind.OBJECT) continue;
          const field = (key: string) => entry.fields.find((f) => f.name.value === key)?.value;
          const entryName = field('name');
          const entryAs = field('as');
          if (entryName?.kind === Kind.STRING && entryName.value === `@${name}`)
            return entryAs?.kind === Kind.STRING ? entryAs.value.replace(/^@/, '') : name;
        }
        return undefined;
      };
      return {
        cost: imported('cost') ?? namespace,
        listSize: imported('listSize') ?? `${namespace}__listSize`,
      };
    }
  }
  return undefined;
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

function weightOf(directives: readonly ConstDirectiveNode[] | undefined, name: string): number | undefined {
  const weight = directives?.find((directive) => directive.name.value === name);
  const value = weight && argument(weight, 'weight');
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

function readListSize(directive: ConstDirectiveNode): ListSize {
  const strings = (name: string): string[] => {
    const value = argument(directive, name);
    return value?.kind === Kind.LIST
      ? value.values.flatMap((item) => (item.kind === Kind.STRING ? [item.value] : []))
      : [];
  };
  const assumed = argument(directive, 'assumedSize');
  return {
    assumedSize: assumed?.kind === Kind.INT ? Number(assumed.value) : undefined,
    slicingArguments: strings('slicingArguments'),
    sizedFields: strings('sizedFields'),
  };
}
