import { OperationDefinitionNode, buildSchema, getVariableValues, parse } from 'graphql';
import { quickVariableCheck, variableChecker } from './variable-check';

/**
 * The quick check must say yes exactly when graphql-js's `getVariableValues` finds no
 * error, for every built-in scalar, nullable or not, with a default or without, on every
 * kind of value a JSON body can carry (and `undefined`, which Apollo's path may pass).
 */
const schema = buildSchema(`
  enum Color { RED GREEN }
  input Range { from: Int }
  scalar DateTime
  type Query { a(id: ID, s: String, i: Int, f: Float, b: Boolean, c: Color, r: Range, t: DateTime): Int }
`);

const definitionsOf = (variables: string) =>
  (parse(`query Q(${variables}) { a }`).definitions[0] as OperationDefinitionNode).variableDefinitions ?? [];
const fullErrors = (variables: string, provided: Record<string, unknown>) =>
  getVariableValues(schema, definitionsOf(variables), provided).errors;

const MISSING = Symbol('missing');
const VALUES: unknown[] = [
  MISSING,
  undefined,
  null,
  '',
  'abc',
  '12',
  0,
  7,
  -7,
  1.5,
  -0,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  1e300,
  NaN,
  Infinity,
  true,
  false,
  [],
  ['a'],
  [1],
  {},
  { from: 1 },
];
const SCALAR_VARIABLES = ['ID', 'String', 'Int', 'Float', 'Boolean'].flatMap((scalar) => {
  const sample = { ID: '"x"', String: '"x"', Int: '3', Float: '2.5', Boolean: 'true' }[scalar];
  return [
    `$v: ${scalar}`,
    `$v: ${scalar}!`,
    `$v: ${scalar} = ${sample}`,
    `$v: ${scalar}! = ${sample}`,
    `$v: ${scalar} = null`,
  ];
});

it.each(SCALAR_VARIABLES)(
  '%s: the quick check and the checker agree with getVariableValues on every value',
  (variables) => {
    const quick = quickVariableCheck(schema, definitionsOf(variables))!;
    const checker = variableChecker(schema, definitionsOf(variables));
    for (const value of VALUES) {
      const provided = value === MISSING ? {} : { v: value };
      const errors = fullErrors(variables, provided)?.map((error) => error.message);
      const seen = {
        value: value === MISSING ? 'missing' : value,
        quick: quick(provided),
        checker: checker(provided)?.map((error) => error.message),
      };
      expect(seen).toEqual({ value: seen.value, quick: errors === undefined, checker: errors });
    }
  },
);

it('checks several variables together, and ignores variables the operation does not declare', () => {
  const variables = '$id: ID!, $first: Int = 20, $after: String';
  const quick = quickVariableCheck(schema, definitionsOf(variables))!;
  expect(quick({ id: 'p-1', unknown: { deep: true } })).toBe(true);
  expect(quick({ id: 12, first: 5, after: null })).toBe(true);
  expect(quick({ first: 5 })).toBe(false);
  expect(quick({ id: 'p-1', first: '5' })).toBe(false);
  expect(
    variableChecker(schema, definitionsOf(variables))({ id: 'p-1', first: '5' })?.map((error) => error.message),
  ).toEqual(fullErrors(variables, { id: 'p-1', first: '5' })?.map((error) => error.message));
});

it.each(['$v: [ID!]', '$v: [Int]!', '$v: Color', '$v: Range!', '$v: DateTime', '$id: ID!, $v: Color!'])(
  'leaves %s to getVariableValues',
  (variables) => {
    expect(quickVariableCheck(schema, definitionsOf(variables))).toBeUndefined();
    const checker = variableChecker(schema, definitionsOf(variables));
    for (const provided of [
      {},
      { v: null },
      { v: 'RED', id: 'x' },
      { v: ['a'], id: 'x' },
      { v: { from: 'no' }, id: 'x' },
    ]) {
      expect(checker(provided)?.map((error) => error.message)).toEqual(
        fullErrors(variables, provided)?.map((error) => error.message),
      );
    }
  },
);

it('takes no variables at all', () => {
  expect(quickVariableCheck(schema, [])!({ stray: 1 })).toBe(true);
});
