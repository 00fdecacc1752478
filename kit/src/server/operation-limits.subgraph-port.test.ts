import {
  Arg,
  Directive,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { SubgraphModule } from '../subgraph';
import { globalId } from '../ids/global-id';
import { TestSubgraph, startTestSubgraph } from '../testing/subgraph';
import { subscribe, subscriptionClient } from '../testing/subscription-client';
import { DEFAULT_MAX_ALIASES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_DIRECTIVES, DEFAULT_MAX_TOKENS } from './operation-limits';

/**
 * The project rule: anything reachable goes through the same limits. A subgraph port applied
 * none of the gateway's operation limits, so a caller who reached it directly could send a
 * 1,000-alias or 500-deep document. Now every port refuses what the gateway refuses, with the
 * gateway's codes and messages, over HTTP and over its WebSocket; the gateway's own signed
 * fetches (plans may inline fragments past a limit) pass.
 */

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A node that nests without end, for depth limits.' })
class LimitNode {
  @Field(() => ID, { description: 'Its id; its parent’s is one dot longer.' })
  id: string;
}

@Resolver(() => LimitNode)
class LimitNodeResolver {
  @Query(() => LimitNode, { description: 'The node of this id.' })
  node(@Arg('id', () => ID) id: string): LimitNode {
    return { id };
  }

  @Query(() => Int, { description: 'The sum of the values: a document of many tokens that validates quickly.' })
  sum(@Arg('values', () => [Int]) values: number[]): number {
    return values.reduce((total, value) => total + value, 0);
  }

  @FieldResolver(() => LimitNode, { description: 'The node above this one.' })
  parent(@Root() node: LimitNode): LimitNode {
    return { id: `${node.id}.` };
  }

  @Subscription(() => LimitNode, {
    description: 'One node, pushed once.',
    subscribe: async function* () {
      yield { ticks: { id: 'tick' } };
    },
  })
  ticks(@Root() payload: { ticks: LimitNode }): LimitNode {
    return payload.ticks;
  }
}

const limitsModule: SubgraphModule = {
  name: 'kit_limits',
  defaultPort: 0,
  entities: [],
  migrations: [],
  resolvers: [LimitNodeResolver],
  wire: () => ({
    resolvers: [new LimitNodeResolver()],
    references: { LimitNode: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) } },
  }),
};

/** A LimitNode's global id (ids are global at every subgraph's edge). */
const N = globalId('LimitNode', '5f0c6c8e-2b7a-4d3e-9a41-0c1d2e3f4a5b');
/** `{ node(id: N) { parent { … id } } }`, `levels` fields deep. */
const deep = (levels: number) =>
  `{ node(id: "${N}") { ${'parent { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const aliased = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: node(id: "${N}") { id }`).join(' ')} }`;
const directed = (count: number) =>
  `query D($yes: Boolean = true) { node(id: "${N}") { ${'id @include(if: $yes) '.repeat(count)}} }`;
/** `{ sum(values: [1 1 …]) }`: 9 tokens around the values (commas are not tokens). */
const tokens = (count: number) => `{ sum(values: [${'1 '.repeat(count - 9)}]) }`;

const DEPTH_REFUSAL = {
  message: `The operation is ${DEFAULT_MAX_DEPTH + 1} levels deep; the limit is ${DEFAULT_MAX_DEPTH}`,
  extensions: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    limit: 'depth',
    max: DEFAULT_MAX_DEPTH,
    actual: DEFAULT_MAX_DEPTH + 1,
  },
};
const ALIAS_REFUSAL = {
  message: `Aliases limit of ${DEFAULT_MAX_ALIASES} exceeded, found ${DEFAULT_MAX_ALIASES + 1}.`,
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: DEFAULT_MAX_ALIASES },
};
const DIRECTIVE_REFUSAL = {
  message: `Directives limit of ${DEFAULT_MAX_DIRECTIVES} exceeded, found ${DEFAULT_MAX_DIRECTIVES + 1}.`,
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'directives', max: DEFAULT_MAX_DIRECTIVES },
};
const TOKEN_REFUSAL = {
  message: `Syntax Error: Document contains more that ${DEFAULT_MAX_TOKENS} tokens. Parsing aborted.`,
  extensions: { code: 'GRAPHQL_PARSE_FAILED' },
};

const OVER_THE_LIMITS: [string, string, object][] = [
  [`${DEFAULT_MAX_DEPTH + 1} levels`, deep(DEFAULT_MAX_DEPTH + 1), DEPTH_REFUSAL],
  [`${DEFAULT_MAX_ALIASES + 1} aliases`, aliased(DEFAULT_MAX_ALIASES + 1), ALIAS_REFUSAL],
  [`${DEFAULT_MAX_DIRECTIVES + 1} directives`, directed(DEFAULT_MAX_DIRECTIVES + 1), DIRECTIVE_REFUSAL],
  [`${DEFAULT_MAX_TOKENS + 1} tokens`, tokens(DEFAULT_MAX_TOKENS + 1), TOKEN_REFUSAL],
];
const AT_THE_LIMITS: [string, string][] = [
  [`${DEFAULT_MAX_DEPTH} levels`, deep(DEFAULT_MAX_DEPTH)],
  [`${DEFAULT_MAX_ALIASES} aliases`, aliased(DEFAULT_MAX_ALIASES)],
  [`${DEFAULT_MAX_DIRECTIVES} directives`, directed(DEFAULT_MAX_DIRECTIVES)],
  [`${DEFAULT_MAX_TOKENS} tokens`, tokens(DEFAULT_MAX_TOKENS)],
];

let port: TestSubgraph;
beforeAll(async () => {
  port = await startTestSubgraph(limitsModule);
});
afterAll(() => port?.close());

describe('operation limits on a subgraph port, over HTTP', () => {
  it.each(OVER_THE_LIMITS)(
    'refuses %s from an unsigned caller with 400, as the gateway does',
    async (_what, query, refusal) => {
      const result = await port.unsignedClient.request(query);
      expect(result.status).toBe(400);
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject(refusal);
    },
  );

  it.each(AT_THE_LIMITS)('serves %s', async (_what, query) => {
    const result = await port.unsignedClient.request(query);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data ?? {}).length).toBeGreaterThan(0);
  });

  it('refuses a document the gateway sent before: a cached document is checked again for each unsigned request', async () => {
    const query = aliased(DEFAULT_MAX_ALIASES + 5);
    expect((await port.client.request(query)).errors).toBeUndefined();
    expect((await port.unsignedClient.request(query)).errors?.[0]).toMatchObject({
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' },
    });
    const tooManyTokens = tokens(DEFAULT_MAX_TOKENS + 50);
    expect((await port.client.request(tooManyTokens)).errors).toBeUndefined();
    expect((await port.unsignedClient.request(tooManyTokens)).errors?.[0]).toMatchObject(TOKEN_REFUSAL);
  });

  it('serves what the gateway signed past the limits: a plan fetch may inline fragments the client spread', async () => {
    for (const [, query] of OVER_THE_LIMITS) {
      const result = await port.client.request(query);
      expect(result.errors).toBeUndefined();
    }
  });

  it('serves a signed _entities fetch with many representations', async () => {
    const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const representations = Array.from({ length: 500 }, (_, i) => ({
      __typename: 'LimitNode',
      id: globalId('LimitNode', uuid(i)),
    }));
    const data = await port.client.data(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on LimitNode { id parent { id } } } }',
      { variables: { r: representations } },
    );
    expect(data._entities).toHaveLength(500);
    expect(data._entities[499]).toEqual({
      id: globalId('LimitNode', uuid(499)),
      parent: { id: globalId('LimitNode', `${uuid(499)}.`) },
    });
  });

  it('logs a refusal over the token limit', async () => {
    await port.unsignedClient.request(tokens(DEFAULT_MAX_TOKENS + 1));
    expect(port.logs.records()).toContainEqual(
      expect.objectContaining({ msg: 'graphql operation refused: too many tokens', limit: 'tokens' }),
    );
  });
});

describe('operation limits on a subgraph port, over its WebSocket', () => {
  const overSocket = async (query: string) => {
    const client = subscriptionClient(port.subgraph.url);
    try {
      const subscription = subscribe(client, query);
      const errors = await subscription.ended;
      return { errors, pushes: subscription.pushes };
    } finally {
      await client.dispose();
    }
  };

  it.each(OVER_THE_LIMITS)('refuses %s with the same code as over HTTP', async (_what, query, refusal) => {
    const { errors, pushes } = await overSocket(query);
    expect(pushes).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject(refusal);
  });

  it('refuses a subscription over the depth limit, serves one within it', async () => {
    const subscription = (levels: number) =>
      `subscription { ticks { ${'parent { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
    const refused = await overSocket(subscription(DEFAULT_MAX_DEPTH + 1));
    expect(refused.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' } });
    const served = await overSocket(subscription(DEFAULT_MAX_DEPTH));
    expect(served.errors).toEqual([]);
    expect(served.pushes).toHaveLength(1);
    expect(served.pushes[0].errors).toBeUndefined();
  });

  it.each(AT_THE_LIMITS)('serves %s', async (_what, query) => {
    const { errors, pushes } = await overSocket(query);
    expect(errors).toEqual([] as GraphQLFormattedError[]);
    expect(pushes).toHaveLength(1);
    expect(pushes[0].errors).toBeUndefined();
    expect(Object.keys(pushes[0].data ?? {}).length).toBeGreaterThan(0);
  });
});
