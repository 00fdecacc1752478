import 'reflect-metadata';
import { validate } from 'class-validator';
import { AppError } from './errors';
import { MAX_PAGE_SIZE, PageArgs, decodeCursor, encodeCursor, toConnection } from './pagination';

function inputError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('cursors', () => {
  it.each([
    [['2025-01-02T03:04:05.678Z', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']],
    [[42, 'x']],
    [['ünïcødé ✓', -1.5, '']],
  ])('round-trip %j', (values) => {
    const cursor = encodeCursor(values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, values.length)).toEqual(values);
  });

  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['an empty string', ''],
    ['text that is not base64', 'not a cursor!'],
    ['base64 of non-JSON', b64('hello')],
    ['a JSON object', b64('{"a":1}')],
    ['a JSON string', b64('"x"')],
    ['too few values', b64('["2025-01-01T00:00:00.000Z"]')],
    ['too many values', b64('["a","b","c"]')],
    ['a null value', b64('[null,"x"]')],
    ['a nested array', b64('[["a"],"x"]')],
    ['a boolean', b64('[true,"x"]')],
  ])('refuses %s with BAD_USER_INPUT on `after`', (_label, cursor) => {
    const error = inputError(() => decodeCursor(cursor, 2));
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'after', message: 'is not a cursor from this list' }],
    });
  });

  it('lets a caller refuse values of the right shape but the wrong kind', () => {
    const cursor = encodeCursor(['not-a-date', 'x']);
    expect(decodeCursor(cursor, 2)).toEqual(['not-a-date', 'x']);
    expect(inputError(() => decodeCursor(cursor, 2, ([first]) => first === 'a date')).extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(decodeCursor(cursor, 2, ([first]) => first === 'not-a-date')).toEqual(['not-a-date', 'x']);
  });
});

describe('toConnection', () => {
  const rows = [
    { id: 'a', n: 3 },
    { id: 'b', n: 2 },
    { id: 'c', n: 1 },
  ];
  const cursorOf = (row: { id: string; n: number }) => [row.n, row.id];

  it('trims the look-ahead row and reports a next page', () => {
    const connection = toConnection(rows, { first: 2 }, 10, cursorOf);
    expect(connection.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(connection.totalCount).toBe(10);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: connection.edges[0].cursor,
      endCursor: connection.edges[1].cursor,
    });
    expect(decodeCursor(connection.pageInfo.endCursor!, 2)).toEqual([2, 'b']);
  });

  it('reports the last page and a previous one when `after` was given', () => {
    const connection = toConnection(rows, { first: 3, after: encodeCursor([9, 'z']) }, 3, cursorOf);
    expect(connection.edges).toHaveLength(3);
    expect(connection.pageInfo.hasNextPage).toBe(false);
    expect(connection.pageInfo.hasPreviousPage).toBe(true);
  });

  it('gives an empty page null cursors', () => {
    expect(toConnection([], { first: 5, after: null }, 0, cursorOf)).toEqual({
      edges: [],
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });
});

describe('PageArgs', () => {
  const problems = async (first: number) =>
    (await validate(Object.assign(new PageArgs(), { first }))).map((e) => e.property);

  it(`allows 1 to ${MAX_PAGE_SIZE} items and defaults to 20`, async () => {
    expect(new PageArgs().first).toBe(20);
    expect(await problems(1)).toEqual([]);
    expect(await problems(MAX_PAGE_SIZE)).toEqual([]);
    expect(await problems(0)).toEqual(['first']);
    expect(await problems(MAX_PAGE_SIZE + 1)).toEqual(['first']);
  });
});
