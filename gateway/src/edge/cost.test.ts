import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import {
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  buildSchema,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { DEFAULT_MAX_COST, DEFAULT_MAX_COST_ANONYMOUS, DEFAULT_SUPERGRAPH_PATH } from '../config';
import { CostMeter, DEFAULT_LIST_SIZE, MUTATION_COST } from './cost';
import { costDirectivesOf, declareCostDirectives, readCostDirectives } from './cost-directives';
import { OperationLimits, limitRules } from './limits';

/** The committed supergraph, as the gateway loads it: the API schema, with the directives composition kept. */
const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const api: GraphQLSchema = Supergraph.build(supergraphSdl).schema.toAPISchema().toGraphQLJSSchema();
declareCostDirectives(api, supergraphSdl);

const limits: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxCost: DEFAULT_MAX_COST,
  maxCostAnonymous: DEFAULT_MAX_COST_ANONYMOUS,
};

function costOf(query: string, variables: Record<string, unknown> = {}, schema = api): number {
  const document = parse(query);
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return new CostMeter(schema, (name) => fragments.get(name)).operationCost(operation, variables);
}

const errorsOf = (query: string, signedIn: boolean, variables?: Record<string, unknown>) =>
  validate(api, parse(query), [...specifiedRules, ...limitRules(limits, { signedIn, variables })]);

/** Issue 18's probe: each alias passes the depth and alias limits. */
const PROBE_ALIAS =
  'products(first:100){edges{node{vendor{displayName products(first:100){edges{node{id name description vendor{displayName}}}}}}}}';
const PROBE = `{ ${[1, 2, 3, 4].map((n) => `a${n}: ${PROBE_ALIAS}`).join(' ')} }`;

describe('the demand-control directives of the committed supergraph', () => {
  it('are read from the supergraph: connections sized by `first` on their edges, lists by an assumed size', () => {
    const directives = costDirectivesOf(api);
    expect(directives.listSizes.get('Query.products')).toEqual({
      assumedSize: 20,
      slicingArguments: ['first'],
      sizedFields: ['edges'],
    });
    expect(directives.listSizes.get('Vendor.products')).toMatchObject({ slicingArguments: ['first'] });
    expect(directives.listSizes.get('Order.items')).toEqual({
      assumedSize: 10,
      slicingArguments: [],
      sizedFields: [],
    });
    expect(directives.fieldWeights.get('ProductConnection.totalCount')).toBe(5);
  });

  it('follow the names the @link gives them (renamed or not imported)', () => {
    const renamed = readCostDirectives(
      parse(`schema @link(url: "https://specs.apollo.dev/cost/v0.1", as: "demand", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
        type Query { a: [A] @size(assumedSize: 7) @demand(weight: 3) b: [A] @demand__listSize(assumedSize: 9) }
        type A @demand(weight: 2) { id: ID }`),
    );
    expect(renamed.listSizes.get('Query.a')?.assumedSize).toBe(7);
    expect(renamed.fieldWeights.get('Query.a')).toBe(3);
    expect(renamed.typeWeights.get('A')).toBe(2);
    expect(renamed.listSizes.get('Query.b')).toBeUndefined();
    const unimported = readCostDirectives(
      parse(`schema @link(url: "https://specs.apollo.dev/cost/v0.1") { query: Query }
        type Query { b: [ID] @cost__listSize(assumedSize: 9) @cost(weight: 4) }`),
    );
    expect(unimported.listSizes.get('Query.b')?.assumedSize).toBe(9);
    expect(unimported.fieldWeights.get('Query.b')).toBe(4);
  });
});

describe('CostMeter', () => {
  it('multiplies by `first` on a connection’s edges, objects 1, scalars 0', () => {
    // connection 1 + 100 × (edge 1 + product 1 + vendor 1)
    expect(costOf('{ products(first: 100) { edges { node { id name vendor { displayName } } } } }')).toBe(301);
    expect(costOf('query($n: Int!) { products(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(15);
  });

  it('uses the default page size when `first` is left out, and an assumed size on unpaged lists', () => {
    expect(costOf('{ products { edges { node { id } } } }')).toBe(1 + 20 * 2);
    // categories 10 × (1 + children 10 × 1)
    expect(costOf('{ categories { slug children { slug } } }')).toBe(10 * (1 + 10));
  });

  it('adds @cost weights (a count, an aggregate) and the mutation base cost', () => {
    expect(costOf('{ products(first: 1) { totalCount } }')).toBe(1 + 5);
    // The mutation's base cost, plus 1 for its payload object.
    expect(costOf('mutation { logout(input: { refreshToken: "x" }) { sessionEnded } }')).toBe(MUTATION_COST + 1);
  });

  it('prices issue 18’s probe: 30,401 per alias', () => {
    expect(costOf(`{ ${PROBE_ALIAS} }`)).toBe(30_401);
    expect(costOf(PROBE)).toBe(4 * 30_401);
  });

  it('follows fragments and inline fragments, sized by the field that spreads them', () => {
    const viaFragments = `{ products(first: 100) { ...Page } }
      fragment Page on ProductConnection { edges { node { ...on Product { vendor { ...V } } } } }
      fragment V on Vendor { displayName }`;
    expect(costOf(viaFragments)).toBe(costOf('{ products(first: 100) { edges { node { vendor { displayName } } } } }'));
  });

  it('does not count introspection: the gateway answers it alone, under the depth limit', () => {
    const introspection = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
    expect(costOf(introspection)).toBe(0);
    expect(errorsOf(introspection, false)).toEqual([]);
  });

  it('counts a negative page as empty (the subgraph refuses it) and a huge one at its word', () => {
    expect(costOf('{ products(first: -1) { edges { node { id } } } }')).toBe(1);
    expect(costOf('{ products(first: 1000000000) { edges { node { id } } } }')).toBe(1 + 2_000_000_000);
  });

  it('stays fast on fragments that fan out exponentially', () => {
    const schema = buildSchema('type Query { node: Node } type Node { id: ID, parent: Node, children: [Node] }');
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Node { id }`
        : `fragment F${i} on Node { parent { ...F${i + 1} } children { ...F${i + 1} } }`,
    ).join('\n');
    const cost = costOf(`{ node { ...F0 } }\n${fragments}`, {}, schema);
    // Each level: parent (1 + next) + children (10 × (1 + next)); astronomically large, computed at once.
    expect(cost).toBeGreaterThan(DEFAULT_LIST_SIZE ** 30);
  });
});

describe('the cost limit', () => {
  it('refuses the probe with COST_LIMIT_EXCEEDED, the cost and the budget', () => {
    const [error, ...others] = errorsOf(PROBE, false);
    expect(others).toEqual([]);
    expect(error.message).toBe(
      'The operation costs 121604, over the limit of 3000: ask for smaller pages or fewer nested lists, or sign in for a larger budget',
    );
    expect(error.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: 'cost', cost: 121_604, max: 3_000 });
    // One alias is over even a signed-in budget.
    expect(errorsOf(`{ a1: ${PROBE_ALIAS} }`, true)[0].extensions).toMatchObject({ cost: 30_401, max: 10_000 });
  });

  it('gives anonymous callers the lower budget', () => {
    const middling =
      '{ products(first: 100) { edges { node { vendor { products(first: 20) { edges { node { id } } } } } } } }';
    expect(costOf(middling)).toBeGreaterThan(DEFAULT_MAX_COST_ANONYMOUS);
    expect(costOf(middling)).toBeLessThanOrEqual(DEFAULT_MAX_COST);
    expect(errorsOf(middling, true)).toEqual([]);
    expect(errorsOf(middling, false).map((e) => e.extensions.code)).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('reads page sizes from variables', () => {
    const query = 'query($n: Int!) { products(first: $n) { edges { node { vendor { displayName } } } } }';
    expect(errorsOf(query, false, { n: 100 })).toEqual([]);
    expect(errorsOf(query, false, { n: 1_000_000_000 }).map((e) => e.extensions.code)).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('is left out without a request: over HTTP it runs as a plugin, after Apollo Server’s document cache', () => {
    expect(validate(api, parse(PROBE), limitRules(limits))).toEqual([]);
  });
});
