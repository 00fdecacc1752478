import { buildSchema, getOperationAST, parse } from 'graphql';
import { controlCharactersIn, controlCharactersInMessage, controlProblemOf } from './input-controls';

const schema = buildSchema(`
  input Line { name: String! tags: [String!] }
  input Order { note: String lines: [Line!]! }
  scalar _Any
  scalar JSON
  type Item { id: ID! related(search: String): [Item!]! }
  type Query {
    item(slug: String): Item
    search(order: Order, data: JSON, count: Int): [Item!]!
    _entities(representations: [_Any!]!): [Item]!
  }
`);

function problems(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  return controlCharactersIn(schema, document, getOperationAST(document)!, variables);
}

const CONTROL = 'must not contain control characters';

describe('controlProblemOf', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control', 'a\u0007b'],
    ['vertical tab', 'a\u000bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u009bb'],
  ])('refuses %s', (_name, value) => expect(controlProblemOf(value)).toBe(CONTROL));

  it('refuses unpaired surrogates, high or low', () => {
    expect(controlProblemOf('a\ud800b')).toMatch(/unpaired surrogate/);
    expect(controlProblemOf('a\udc00')).toMatch(/unpaired surrogate/);
  });

  it('accepts tabs, line breaks, accents and characters outside the basic plane', () => {
    expect(controlProblemOf('Line one\n\tline two\r\nCafé 😀 — ok')).toBeUndefined();
  });
});

describe('controlCharactersIn', () => {
  it('names the argument of a literal', () => {
    expect(problems(`{ item(slug: "a\\u0000") { id } }`)).toEqual([{ field: 'slug', message: CONTROL }]);
  });

  it('follows variables into nested input objects and lists', () => {
    expect(
      problems(`query($o: Order) { search(order: $o) { id } }`, {
        o: { note: 'fine\n', lines: [{ name: 'ok' }, { name: 'ok', tags: ['ok', 'x\u0000'] }] },
      }),
    ).toEqual([{ field: 'order.lines.1.tags.1', message: CONTROL }]);
  });

  it('checks a variable used inside a literal input object', () => {
    expect(problems(`query($n: String!) { search(order: { lines: [{ name: $n }] }) { id } }`, { n: '\u0001' })).toEqual(
      [{ field: 'order.lines.0.name', message: CONTROL }],
    );
  });

  it('checks nested fields, inline fragments and named fragments (each once)', () => {
    const found = problems(
      `query($s: String) {
         item(slug: "ok") { ...F ... on Item { r2: related(search: "b\\u0002") { id } } }
         other: item(slug: "ok") { ...F }
       }
       fragment F on Item { r1: related(search: $s) { ...F2 } }
       fragment F2 on Item { r3: related(search: "c\\u0003") { id } }`,
      { s: 'a\u0000' },
    );
    expect(found).toEqual([
      { field: 'search', message: CONTROL },
      { field: 'search', message: CONTROL },
      { field: 'search', message: CONTROL },
    ]);
  });

  it('walks JSON-like scalars too', () => {
    expect(problems(`query($d: JSON) { search(data: $d) { id } }`, { d: { deep: [{ x: '\u0000' }] } })).toEqual([
      { field: 'data.deep.0.x', message: CONTROL },
    ]);
  });

  it("leaves the router's entity representations alone", () => {
    expect(
      problems(`query($r: [_Any!]!) { _entities(representations: $r) { id } }`, {
        r: [{ __typename: 'Item', id: '\u0000' }],
      }),
    ).toEqual([]);
  });

  it('leaves variables that do not coerce to execution', () => {
    expect(problems(`query($c: Int) { search(count: $c) { id } }`, { c: 'x\u0000' })).toEqual([]);
  });

  it('reports at most 20 values, however long the list', () => {
    const lines = Array.from({ length: 1_000 }, () => ({ name: '\u0000' }));
    expect(problems(`query($o: Order) { search(order: $o) { id } }`, { o: { lines } })).toHaveLength(20);
  });
});

describe('controlCharactersInMessage (graphql-ws without Apollo Server)', () => {
  it('answers BAD_USER_INPUT with the fields, or nothing for a clean or unparsable message', () => {
    const [error] = controlCharactersInMessage(schema, {
      query: `query($s: String) { item(slug: $s) { id } }`,
      variables: { s: '\u0000' },
    })!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'slug', message: CONTROL }] });
    expect(controlCharactersInMessage(schema, { query: `{ item(slug: "ok") { id } }` })).toBeUndefined();
    expect(controlCharactersInMessage(schema, { query: `{ item(` })).toBeUndefined();
  });
});
