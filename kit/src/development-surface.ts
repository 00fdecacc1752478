import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';

/**
 * Which schema a run serves (docs/api-conventions.md rule 9): the production contract, or the
 * same plus the development-only surface (`simulatePayment`). `npm run schema` prints both:
 * schema/ holds the production variant, schema/development/ the development one.
 */
export type SchemaVariant = 'production' | 'development';

/** The names of the parts of a subgraph's schema that only its development variant has. */
export interface DevelopmentOnlyNames {
  /** Fields as `Type.field` (`Mutation.simulatePayment`). */
  fields?: string[];
  /** Whole types (`SimulatedOutcome`, the input and payload of the fields above). */
  types?: string[];
  /** Enum values as `Enum.VALUE` (`PaymentProvider.LOCAL`). */
  enumValues?: string[];
}

/** A subgraph's development-only surface and which settings serve it. */
export interface DevelopmentSurface<Settings = unknown> extends DevelopmentOnlyNames {
  /** Whether a run with these settings serves the development variant (the surface included). */
  servedWith(settings: Settings): boolean;
}

/**
 * The schema without the development-only parts. Every listed name must exist, and only listed
 * fields or types may use a listed type: a typo or a production field left pointing at a
 * development-only type fails the build instead of silently dropping something else.
 */
export function withoutDevelopmentSurface(schema: GraphQLSchema, names: DevelopmentOnlyNames): GraphQLSchema {
  const fields = new Set(names.fields ?? []);
  const types = new Set(names.types ?? []);
  const enumValues = new Set(names.enumValues ?? []);
  checkNames(schema, fields, types, enumValues);
  checkNoProductionUse(schema, fields, types);
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) => (types.has(type.name) ? null : type),
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) =>
      fields.has(`${typeName}.${fieldName}`) ? null : config,
    [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName, typeName) =>
      fields.has(`${typeName}.${fieldName}`) ? null : config,
    [MapperKind.ENUM_VALUE]: (config, typeName, _schema, externalValue) =>
      enumValues.has(`${typeName}.${externalValue}`) ? null : config,
  });
}

/** `Type.field` / `Enum.VALUE` of everything in the schema, to check the listed names against. */
function checkNames(schema: GraphQLSchema, fields: Set<string>, types: Set<string>, enumValues: Set<string>) {
  const unknown: string[] = [];
  for (const name of types) if (!schema.getType(name)) unknown.push(name);
  for (const name of fields) {
    const [typeName, fieldName] = name.split('.');
    const type = schema.getType(typeName);
    const has =
      (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) && fieldName in type.getFields();
    if (!has) unknown.push(name);
  }
  for (const name of enumValues) {
    const [typeName, value] = name.split('.');
    const type = schema.getType(typeName);
    if (!isEnumType(type) || !type.getValue(value)) unknown.push(name);
  }
  if (unknown.length > 0) throw new Error(`development-only names not in the schema: ${unknown.join(', ')}`);
}

function checkNoProductionUse(schema: GraphQLSchema, fields: Set<string>, types: Set<string>) {
  const uses: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (types.has(type.name) || type.name.startsWith('__')) continue;
    if (isUnionType(type)) {
      for (const member of type.getTypes()) if (types.has(member.name)) uses.push(`${type.name} (${member.name})`);
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
    const members = isInputObjectType(type)
      ? Object.values(type.getFields()).map((field) => ({ name: field.name, types: [field.type] }))
      : Object.values(type.getFields()).map((field) => ({
          name: field.name,
          types: [field.type, ...field.args.map((argument) => argument.type)],
        }));
    for (const member of members) {
      const path = `${type.name}.${member.name}`;
      if (fields.has(path)) continue;
      for (const memberType of member.types) {
        const used = getNamedType(memberType).name;
        if (types.has(used)) uses.push(`${path} (${used})`);
      }
    }
  }
  if (uses.length > 0)
    throw new Error(`production fields use development-only types; list them too: ${uses.join(', ')}`);
}
