import { ArgsType, ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { COUNT_COST, Cost } from './demand-control';
import { badInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
@Directive('@shareable')
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage: boolean;

  @Field({ description: 'True when items precede this page.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item; pass it as `after` for the next page.',
  })
  endCursor: string | null;
}

/**
 * On a field returning a Connection: its `edges` hold `first` items, the default page size
 * when `first` is left out (so no slicing argument is required). Apollo Router's demand
 * control and the gateway's cost limit multiply by it.
 */
export const PagedList = (): MethodDecorator & PropertyDecorator =>
  Directive(
    `@listSize(assumedSize: ${DEFAULT_PAGE_SIZE}, slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)`,
  );

/** The arguments of one page of a list. */
export interface PageFields {
  first: number;
  after?: string | null;
}

/**
 * The arguments of `Filter`, then those of a page: a list's filter comes first in the
 * schema, where a class extending `PageArgs` would list it after `first` and `after`.
 */
export function FilteredPageArgs<F extends object>(Filter: ClassType<F>): ClassType<F & PageFields> {
  @ArgsType()
  class Filtered extends (Filter as ClassType<object>) implements PageFields {
    @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
    @Min(1)
    @Max(MAX_PAGE_SIZE)
    first: number = DEFAULT_PAGE_SIZE;

    @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor`).' })
    after?: string | null;
  }
  return Filtered as ClassType<F & PageFields>;
}

@ArgsType()
class NoFilter {}

@ArgsType()
export class PageArgs extends FilteredPageArgs(NoFilter) {}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Declares `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeType implements Edge<T> {
    @Field(() => node, { description: `The ${name}.` })
    node: T;

    @Field({ description: 'Opaque cursor of this item.' })
    cursor: string;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType], { description: 'The items of this page.' })
    edges: EdgeType[];

    @Field(() => PageInfo, { description: 'Paging state.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Items in the whole list, across pages.' })
    @Cost(COUNT_COST)
    totalCount: number;
  }
  return ConnectionType;
}

/** Cursors carry the sort key of an item (keyset pagination), encoded so clients treat them as opaque. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * Reads a cursor back. `accept` checks the values themselves (a timestamp, a UUID): a
 * forged cursor of the right shape must be refused here, not by the database.
 */
export function decodeCursor(
  cursor: string,
  arity: number,
  accept: (values: (string | number)[]) => boolean = () => true,
): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' || typeof v === 'number') &&
      accept(values)
    ) {
      return values;
    }
  } catch {
    // fall through to the input error below
  }
  throw badInput([{ field: 'after', message: 'is not a cursor from this list' }]);
}

/**
 * Builds a connection from `first + 1` fetched rows: the extra row only tells whether
 * another page exists.
 */
export function toConnection<T>(
  rows: T[],
  args: { first: number; after?: string | null },
  totalCount: number,
  cursorOf: (row: T) => (string | number)[],
): ConnectionShape<T> {
  const page = rows.slice(0, args.first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > args.first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
