import {
  GraphQLEnumType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { productionApiSchema } from './testing/api-schema';

/**
 * docs/api-conventions.md, checked on the composed production API schema (what clients see).
 * Each failure names the rule; the fix is in the schema, or, for a deliberate exception, in
 * the short lists below with its reason.
 */

/** Root fields that are non-null because nobody can be refused them (rule 1), each with why. */
const NON_NULL_ROOT_FIELDS: Record<string, string> = {
  'Query.categories': 'public: the category tree is the same for every caller',
  'Query.products': 'public: the storefront lists only published products, to every caller',
  'Query.featuredProducts': 'public: the featured products in the storefront, the same for every caller',
  'Query.searchSuggestions':
    'public: completions come only from published products, live categories and active vendors, the same for every caller',
  'Query.taxRates': 'public: the rates checkout charges per billing country, the same for every caller',
  'Query.licensePublicKey': 'public: the key that verifies licenses offline is published on purpose',
  'Query.validateLicense': 'public: possession of the key is the credential, and every outcome is data (its `code`)',
  'Query.authProviders': 'public: the social sign-in providers configured, the same for every caller',
  'Query.nodes': 'a list with one nullable entry per id: hidden or missing objects are null entries, never a refusal',
  'Subscription.orderUpdated':
    'refused at subscribe time, before any event; each event is the order its subscriber may see',
  'Subscription.notificationAdded':
    "refused at subscribe time (signed out); each push is one of the subscriber's own new notifications, never an empty one",
};

/** Development-only surface that the production contract must not contain (rule 9). */
const DEVELOPMENT_ONLY = {
  fields: ['Mutation.simulatePayment'],
  types: ['SimulatedOutcome'],
  enumValues: ['PaymentProvider.LOCAL'],
};

/** Number-typed names that carry money; such an argument or input field must be a MoneyInput (rule 6). */
const MONEY_NAME = /(amount|price|total|gross|net|balance|commission|cents)$/i;

const ERRORS_SENTENCE = /Errors: (none|[A-Z_]+(?: \([A-Z_, ]+\))?(?:, [A-Z_]+(?: \([A-Z_, ]+\))?)*)\.$/;

let schema: GraphQLSchema;
beforeAll(() => {
  schema = productionApiSchema();
});

function rootFields(): [string, GraphQLField<unknown, unknown>][] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((root) =>
    root ? Object.values(root.getFields()).map((field) => [`${root.name}.${field.name}`, field] as const) : [],
  ) as [string, GraphQLField<unknown, unknown>][];
}

function userTypes(): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__'));
}

const enumValues = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name);
const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Every argument and input field of the schema, with a readable path. */
function inputPositions(): { path: string; name: string; type: GraphQLNamedType; list: boolean }[] {
  const positions: { path: string; name: string; type: GraphQLNamedType; list: boolean }[] = [];
  for (const type of userTypes()) {
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          positions.push({ path: `${type.name}.${field.name}(${arg.name})`, name: arg.name, ...shapeOf(arg.type) });
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        positions.push({ path: `${type.name}.${field.name}`, name: field.name, ...shapeOf(field.type) });
      }
    }
  }
  return positions;
}

function shapeOf(type: Parameters<typeof getNamedType>[0]) {
  const inner = isNonNullType(type) ? type.ofType : type;
  return { type: getNamedType(type)!, list: isListType(inner) };
}

describe('API conventions (docs/api-conventions.md)', () => {
  it('rule 1: a root field is non-null only when nobody can be refused it', () => {
    const nonNull = rootFields()
      .filter(([, field]) => field.type instanceof GraphQLNonNull)
      .map(([path]) => path);
    expect(nonNull.sort()).toEqual(Object.keys(NON_NULL_ROOT_FIELDS).sort());
  });

  it('rule 3: every root field ends its description with the codes it raises, from ErrorCode and ErrorReason', () => {
    const codes = new Set(enumValues('ErrorCode'));
    const reasons = new Set(enumValues('ErrorReason'));
    const problems: string[] = [];
    for (const [path, field] of rootFields()) {
      const sentence = ERRORS_SENTENCE.exec(field.description?.trim() ?? '');
      if (!sentence) {
        problems.push(`${path}: no "Errors: …." sentence at the end of its description`);
        continue;
      }
      if (sentence[1] === 'none') continue;
      for (const part of sentence[1].split(/, (?![A-Z_, ]*\))/)) {
        const [, code, reasonList] = /^([A-Z_]+)(?: \(([A-Z_, ]+)\))?$/.exec(part) ?? [];
        if (!codes.has(code)) problems.push(`${path}: ${code} is not an ErrorCode`);
        for (const reason of reasonList?.split(', ') ?? []) {
          if (!reasons.has(reason)) problems.push(`${path}: ${reason} is not an ErrorReason`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('rule 4: every mutation is nullable, takes one `input: <Name>Input!` (or nothing) and returns `<Name>Payload`', () => {
    const problems: string[] = [];
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      const name = capitalized(field.name);
      if (field.type instanceof GraphQLNonNull) problems.push(`${field.name}: non-null`);
      if (getNamedType(field.type).name !== `${name}Payload`)
        problems.push(`${field.name}: returns ${String(field.type)}`);
      const args = field.args.map((arg) => `${arg.name}: ${String(arg.type)}`);
      if (args.length > 0 && (args.length > 1 || args[0] !== `input: ${name}Input!`)) {
        problems.push(`${field.name}(${args.join(', ')})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('rule 5: ids in inputs are named by their type, filters are `…Filter` inputs, connections take only first/after/filter/sort', () => {
    const problems: string[] = [];
    for (const position of inputPositions()) {
      const rootLookup = /^(Query|Subscription)\./.test(position.path);
      if (position.name === 'id' && !rootLookup) problems.push(`${position.path}: a bare id outside a root lookup`);
      if (position.name === 'filter' && !position.type.name.endsWith('Filter')) {
        problems.push(`${position.path}: filter of type ${position.type.name}`);
      }
    }
    for (const type of userTypes().filter(isObjectType)) {
      if (type.name.endsWith('Filter')) problems.push(`${type.name}: an output type named like a filter`);
      for (const field of Object.values(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        const extra = field.args.filter((arg) => !['first', 'after', 'filter', 'sort'].includes(arg.name));
        if (extra.length > 0) problems.push(`${type.name}.${field.name}(${extra.map((arg) => arg.name).join(', ')})`);
      }
    }
    for (const type of userTypes()) {
      if (type.name.endsWith('Filter') && !isInputObjectType(type)) problems.push(`${type.name}: not an input`);
    }
    expect(problems).toEqual([]);
  });

  /** `User` fields naming someone who did something, which nothing belongs to (not the object's owner). */
  const ACTING_USER_FIELDS = new Set([
    'AuditActor.user',
    'DeadLetterReplay.requestedBy',
    'OrderTimelineActor.user',
    'UserSuspension.by',
  ]);

  it('rule 5: the user an object belongs to is `owner` (payloads and edges carry a `user`/`node`)', () => {
    const problems: string[] = [];
    for (const type of userTypes().filter(isObjectType)) {
      const carrier = type.name.endsWith('Payload') || type.name.endsWith('Edge');
      if (carrier || ['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type).name;
        const name = `${type.name}.${field.name}`;
        if (named === 'User' && field.name !== 'owner' && !ACTING_USER_FIELDS.has(name)) problems.push(name);
      }
    }
    expect(problems).toEqual([]);
  });

  it('rule 6: money is never a bare number in inputs, Money amounts are SafeInt, currencies are CurrencyCode', () => {
    const problems: string[] = [];
    for (const position of inputPositions().filter(({ path }) => !path.startsWith('MoneyInput.'))) {
      const numeric = ['Int', 'SafeInt', 'Float'].includes(position.type.name);
      if (numeric && MONEY_NAME.test(position.name)) problems.push(`${position.path}: ${position.type.name}`);
      if (/currency/i.test(position.name) && position.type.name !== 'CurrencyCode') problems.push(position.path);
    }
    for (const type of userTypes().filter(isObjectType)) {
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type).name;
        if (/currency/i.test(field.name) && named !== 'CurrencyCode') problems.push(`${type.name}.${field.name}`);
        if (MONEY_NAME.test(field.name) && ['Int', 'Float'].includes(named)) {
          problems.push(`${type.name}.${field.name}: money as ${named}`);
        }
      }
    }
    const money = schema.getType('Money') as GraphQLObjectType;
    expect(String(money.getFields().amount.type)).toBe('SafeInt!');
    expect(problems).toEqual([]);
  });

  it('rule 7: one viewer: nothing of the signed-in user hangs off the root but `me`', () => {
    const viewerRoots = Object.keys(schema.getQueryType()!.getFields()).filter((name) =>
      /^(my[A-Z]|cart$|vendorStats$)/.test(name),
    );
    expect(viewerRoots).toEqual([]);
    expect(schema.getQueryType()!.getFields().me.type.toString()).toBe('User');
  });

  it('rule 9: the production contract has no development-only field, type or enum value', () => {
    const present = [
      ...DEVELOPMENT_ONLY.fields.filter((path) => {
        const [type, field] = path.split('.');
        return Boolean((schema.getType(type) as GraphQLObjectType | undefined)?.getFields()[field]);
      }),
      ...DEVELOPMENT_ONLY.types.filter((name) => schema.getType(name)),
      ...DEVELOPMENT_ONLY.enumValues.filter((path) => {
        const [type, value] = path.split('.');
        return Boolean((schema.getType(type) as GraphQLEnumType | undefined)?.getValue(value));
      }),
    ];
    expect(present).toEqual([]);
  });

  it('names: types PascalCase, fields and arguments camelCase, enum values UPPER_SNAKE_CASE', () => {
    const problems: string[] = [];
    for (const type of userTypes()) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(type.name)) problems.push(type.name);
      if (type instanceof GraphQLEnumType) {
        for (const value of type.getValues()) if (!/^[A-Z][A-Z0-9_]*$/.test(value.name)) problems.push(value.name);
      }
    }
    for (const position of inputPositions()) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(position.name)) problems.push(position.path);
    }
    expect(problems).toEqual([]);
  });
});
