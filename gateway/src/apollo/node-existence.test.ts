import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { Kind, parse, print } from 'graphql';
import { probingExecutor, withNodeExistence, withProbes } from './node-existence';

const PROBES = { Product: 'name', Order: 'status' };

describe('node existence probes', () => {
  it('adds one aliased probe per type to every root node/nodes selection, and names their response keys', () => {
    const { document, keys } = withProbes(
      parse('query Q($id: ID!) { me { id } item: node(id: $id) { id } nodes(ids: [$id]) { __typename } }'),
      PROBES,
    );
    expect([...keys]).toEqual(['item', 'nodes']);
    const printed = print(document).replace(/\s+/g, ' ');
    expect(printed).toContain('me { id }');
    expect(printed).toContain(
      'item: node(id: $id) { id ... on Product { _nodeExistsProduct: name } ... on Order { _nodeExistsOrder: status } }',
    );
    expect(printed).toContain(
      'nodes(ids: [$id]) { __typename ... on Product { _nodeExistsProduct: name } ... on Order { _nodeExistsOrder: status } }',
    );
  });

  it('leaves other operations alone (the same document)', () => {
    const original = parse('{ me { id } } mutation M { logout { sessionEnded } }');
    const { document, keys } = withProbes(original, PROBES);
    expect(keys.size).toBe(0);
    expect(print(document)).toBe(print(original));
  });
});

describe('the probing executor (around the gateway executor)', () => {
  const QUERY = 'query Q($id: ID!) { me { id } item: node(id: $id) { id } }';

  function requestContext(source: string): GatewayGraphQLRequestContext {
    const document = parse(source);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
    return {
      request: { query: source, operationName: 'Q', variables: { id: 'Product:x' } },
      document,
      operation,
      source,
      operationName: 'Q',
      queryHash: 'hash-of-the-client-document',
      metrics: {},
      context: { viewer: 'v' },
    } as unknown as GatewayGraphQLRequestContext;
  }

  function recording(result: GatewayExecutionResult) {
    const seen: GatewayGraphQLRequestContext[] = [];
    const executor: GatewayExecutor = async (context) => {
      seen.push(context);
      return result;
    };
    return { seen, executor: probingExecutor(executor, PROBES) };
  }

  it('runs a root node query on a probed copy of the request context, consistent in document, operation and queryHash', async () => {
    const { seen, executor } = recording({ data: { me: null, item: null } });
    const original = requestContext(QUERY);
    await executor(original);
    const [probed] = seen;
    expect(probed).not.toBe(original);
    expect(probed.document.definitions).toContain(probed.operation);
    expect(print(probed.operation)).toContain('_nodeExistsProduct: name');
    expect(probed.source).toBe(print(probed.document));
    expect(probed.queryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(probed.queryHash).not.toBe(original.queryHash);
    // Everything else is the request's own (same objects: metrics and context are shared).
    expect(probed.request).toBe(original.request);
    expect(probed.metrics).toBe(original.metrics);
    expect(probed.context).toBe(original.context);
    // The client's request context is untouched.
    expect(original.source).toBe(QUERY);
    expect(print(original.document)).not.toContain('_nodeExists');
    // The same document always gets the same plan key.
    await executor(requestContext(QUERY));
    expect(seen[1].queryHash).toBe(probed.queryHash);
  });

  it('removes the probes and the valueCompletion notes under probed fields from the result, keeping the rest', async () => {
    const { executor } = recording({
      data: {
        me: { id: 'User:1', _nodeExistsProduct: 'kept: not a probed field' },
        item: { id: 'Product:1', _nodeExistsProduct: 'A name' },
        nodes: [{ id: 'Order:1', _nodeExistsOrder: 'PAID' }, null],
      },
      extensions: {
        valueCompletion: [
          { message: 'Cannot return null for non-nullable field Product.name.', path: ['nodes', 1] },
          { message: 'elsewhere', path: ['me', 'id'] },
        ],
        other: true,
      },
    });
    const result = await executor(
      requestContext('query Q($id: ID!) { me { id } item: node(id: $id) { id } nodes(ids: [$id]) { id } }'),
    );
    expect(result).toEqual({
      data: {
        me: { id: 'User:1', _nodeExistsProduct: 'kept: not a probed field' },
        item: { id: 'Product:1' },
        nodes: [{ id: 'Order:1' }, null],
      },
      extensions: { valueCompletion: [{ message: 'elsewhere', path: ['me', 'id'] }], other: true },
    });
    const { executor: onlyNotes } = recording({
      data: { item: null },
      extensions: { valueCompletion: [{ message: 'Cannot return null', path: ['item'] }] },
    });
    expect(await onlyNotes(requestContext(QUERY))).toEqual({ data: { item: null } });
  });

  it('passes any other operation on as it came (the same request context, the same result)', async () => {
    for (const source of ['query Q { me { id } }', 'mutation Q { logout(input: {}) { sessionEnded } }']) {
      const answer = { data: { me: null }, extensions: { valueCompletion: [{ path: ['me'] }] } };
      const { seen, executor } = recording(answer);
      const original = requestContext(source);
      expect(await executor(original)).toBe(answer);
      expect(seen[0]).toBe(original);
    }
  });

  it('wraps the executor the gateway loads, and delegates the rest of the gateway interface', async () => {
    const calls: string[] = [];
    const inner: GatewayExecutor = async () => ({ data: { item: { id: 'Product:1', _nodeExistsProduct: 'n' } } });
    const gateway: GatewayInterface = {
      onSchemaLoadOrUpdate: () => {
        calls.push('onSchemaLoadOrUpdate');
        return () => undefined;
      },
      load: async () => {
        calls.push('load');
        return { executor: inner };
      },
      stop: async () => {
        calls.push('stop');
      },
    };
    const wrapped = withNodeExistence(gateway, PROBES);
    wrapped.onSchemaLoadOrUpdate(() => undefined);
    const { executor } = await wrapped.load({ apollo: {} });
    expect(await executor!(requestContext(QUERY))).toEqual({ data: { item: { id: 'Product:1' } } });
    await wrapped.stop();
    expect(calls).toEqual(['onSchemaLoadOrUpdate', 'load', 'stop']);
    const none = withNodeExistence({ ...gateway, load: async () => ({ executor: null }) }, PROBES);
    expect((await none.load({ apollo: {} })).executor).toBeNull();
  });
});
