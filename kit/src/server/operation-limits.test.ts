import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import {
  DEFAULT_MAX_ALIASES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_DIRECTIVES,
  DEFAULT_MAX_TOKENS,
  maxAliasesRule,
  maxDepthRule,
  maxDirectivesRule,
  tokenLimitRefusal,
} from './operation-limits';

const schema = buildSchema(`
  type Query { node(id: ID!): Node, nodes: [Node!]! }
  type Node { id: ID!, name: String, parent: Node, children: [Node!]! }
`);

const errorsOf = (query: string, rule = maxDepthRule(DEFAULT_MAX_DEPTH)) =>
  validate(schema, parse(query), [...specifiedRules, rule]).map((error) => error.message);

const chain = (levels: number) => `{ node(id: 1) { ${'parent { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;

describe('maxDepthRule', () => {
  it('measures nested fields: { a } is 1 deep', () => {
    expect(errorsOf('{ nodes { id } }', maxDepthRule(2))).toEqual([]);
    expect(errorsOf('{ nodes { id } }', maxDepthRule(1))).toEqual(['The operation is 2 levels deep; the limit is 1']);
  });

  it('allows the limit and refuses one more', () => {
    expect(errorsOf(chain(DEFAULT_MAX_DEPTH))).toEqual([]);
    expect(errorsOf(chain(DEFAULT_MAX_DEPTH + 1))).toEqual([`The operation is 13 levels deep; the limit is 12`]);
  });

  it('follows fragment spreads and inline fragments', () => {
    const query = `query Q { node(id: 1) { ...on Node { parent { ...P } } } }
      fragment P on Node { parent { parent { id } } }`;
    expect(errorsOf(query, maxDepthRule(5))).toEqual([]);
    expect(errorsOf(query, maxDepthRule(4))).toEqual(['Operation "Q" is 5 levels deep; the limit is 4']);
  });

  it('checks each operation of a document on its own', () => {
    const query = `query Shallow { nodes { id } } query Deep { nodes { parent { parent { id } } } }`;
    expect(errorsOf(query, maxDepthRule(3))).toEqual(['Operation "Deep" is 4 levels deep; the limit is 3']);
  });

  it('lets GraphiQL introspect at the default limit, but not dig deeper through __type', () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    expect(errorsOf(introspection)).toEqual([]);
    const digging = `{ __type(name: "Node") { ${'fields { type { '.repeat(6)}name${' } }'.repeat(6)} } }`;
    expect(errorsOf(digging)).toContain('The operation is 14 levels deep; the limit is 12');
  });

  // 2^40 paths: without memoized fragments this would not finish within the test's timeout.
  it('measures fragments that fan out exponentially, each fragment once', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Node { id }`
        : `fragment F${i} on Node { parent { ...F${i + 1} } children { ...F${i + 1} } }`,
    ).join('\n');
    // Only this rule: graphql-js's own overlap check is what slows down on such documents.
    const errors = validate(schema, parse(`query Fan { node(id: 1) { ...F0 } }\n${fragments}`), [
      maxDepthRule(1_000),
      maxAliasesRule(1_000),
    ]);
    expect(errors).toEqual([]);
  });

  it('does not loop on fragment cycles (reported by the standard rule)', () => {
    const errors = errorsOf(
      '{ node(id: 1) { ...A } } fragment A on Node { parent { ...B } } fragment B on Node { parent { ...A } }',
    );
    expect(errors).toEqual([expect.stringMatching(/Cannot spread fragment "A" within itself/)]);
  });
});

describe('maxAliasesRule', () => {
  const aliased = (count: number) =>
    `{ ${Array.from({ length: count }, (_, i) => `a${i}: node(id: ${i}) { id }`).join(' ')} }`;
  const rule = maxAliasesRule(DEFAULT_MAX_ALIASES);

  it('allows the limit and refuses one more', () => {
    expect(errorsOf(aliased(30), rule)).toEqual([]);
    expect(errorsOf(aliased(31), rule)).toEqual(['Aliases limit of 30 exceeded, found 31.']);
  });

  it('counts a fragment’s aliases each time it is spread', () => {
    const query = `query Q { node(id: 1) { ...A parent { ...A } children { ...A } } } fragment A on Node { x: id y: name }`;
    expect(errorsOf(query, maxAliasesRule(6))).toEqual([]);
    expect(errorsOf(query, maxAliasesRule(5))).toEqual(['Aliases limit of 5 exceeded, found 6.']);
  });

  it('counts aliases of __typename too (GraphQL Armor exempts them by default)', () => {
    expect(errorsOf('{ a: __typename b: __typename }', maxAliasesRule(1))).toEqual([
      'Aliases limit of 1 exceeded, found 2.',
    ]);
  });

  it('reports through validation, with the limit in the extensions, not as a thrown syntax error', () => {
    const [error] = validate(schema, parse(aliased(31)), [rule]);
    expect(error.message).not.toMatch(/Syntax Error/);
    expect(error.extensions).toEqual({ limit: 'aliases', max: 30 });
  });
});

describe('maxDirectivesRule', () => {
  const directed = (count: number) =>
    `query Q($yes: Boolean!) { node(id: 1) { ${Array.from({ length: count }, (_, i) => `f${i}: id @include(if: $yes)`).join(' ')} } }`;

  it(`allows the limit (${DEFAULT_MAX_DIRECTIVES}) and refuses one more`, () => {
    const rule = maxDirectivesRule(DEFAULT_MAX_DIRECTIVES);
    expect(errorsOf(directed(DEFAULT_MAX_DIRECTIVES), rule)).toEqual([]);
    expect(errorsOf(directed(DEFAULT_MAX_DIRECTIVES + 1), rule)).toEqual([
      `Directives limit of ${DEFAULT_MAX_DIRECTIVES} exceeded, found ${DEFAULT_MAX_DIRECTIVES + 1}.`,
    ]);
  });

  it('counts a fragment’s directives each time it is spread', () => {
    const query = `query Q($no: Boolean!) { node(id: 1) { ...A parent { ...A } } }
      fragment A on Node { id @skip(if: $no) name @skip(if: $no) }`;
    expect(errorsOf(query, maxDirectivesRule(4))).toEqual([]);
    expect(errorsOf(query, maxDirectivesRule(3))).toEqual(['Directives limit of 3 exceeded, found 4.']);
  });
});

describe('tokenLimitRefusal', () => {
  const fields = (count: number) => `{ ${'a '.repeat(count - 2)}}`;

  it("allows the limit and refuses one more, with the parser's own error", () => {
    expect(tokenLimitRefusal(fields(DEFAULT_MAX_TOKENS), DEFAULT_MAX_TOKENS)).toBeUndefined();
    const refusal = tokenLimitRefusal(fields(DEFAULT_MAX_TOKENS + 1), DEFAULT_MAX_TOKENS);
    expect(refusal?.message).toBe(
      `Syntax Error: Document contains more that ${DEFAULT_MAX_TOKENS} tokens. Parsing aborted.`,
    );
    expect(() => parse(fields(DEFAULT_MAX_TOKENS + 1), { maxTokens: DEFAULT_MAX_TOKENS })).toThrow(refusal!.message);
  });

  it('counts no comments and leaves a document that does not lex to the parser', () => {
    expect(tokenLimitRefusal(`# ${'x'.repeat(10)}\n${'#c\n'.repeat(200)}{ a }`, 100)).toBeUndefined();
    expect(tokenLimitRefusal('{ a "unterminated', 100)).toBeUndefined();
  });
});
