import { GraphQLResponse, GraphQLTestClient, subscribe, subscriptionClient } from '@marketplace/kit/testing';
import { TestSupergraph, startTestSupergraph } from './testing/supergraph';

/**
 * Issue 18, item 8: a NUL byte in a string argument reached Postgres and came back as
 * INTERNAL_SERVER_ERROR with a stack trace in the log. Every probe of the issue, exactly as
 * sent, through the gateway and straight at the subgraph that owns the field: a 400 with
 * BAD_USER_INPUT naming the argument, nothing unexpected in the log, nothing written.
 */
describe('control characters in string arguments', () => {
  let supergraph: TestSupergraph;
  let customer: { accessToken: string; user: { id: string; email: string } };
  let admin: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    await supergraph.subgraphs.get('users')!.wiring.seed?.();
    ({ register: customer } = await supergraph.client.data(
      `mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id email } } }`,
      {
        variables: {
          i: { email: `nul.${Date.now()}@example.com`, password: 'nul probe passphrase', displayName: 'Nul' },
        },
      },
    ));
    ({
      login: { accessToken: admin },
    } = await supergraph.client.data(
      `mutation { login(input: { email: "admin@marketplace.local", password: "admin-password-123" }) { accessToken } }`,
    ));
  });
  afterAll(() => supergraph?.close());

  const subgraphClient = (name: string) => new GraphQLTestClient(supergraph.subgraphs.get(name)!.url);

  /** The seven probes: `\u0000` is GraphQL's escape for NUL, so the document itself is valid. */
  const probes = () => [
    {
      subgraph: 'users',
      query: String.raw`mutation { login(input: { email: "a\u0000@example.com", password: "whatever passphrase" }) { accessToken } }`,
      field: 'input.email',
    },
    {
      subgraph: 'users',
      query: String.raw`mutation { requestPasswordReset(input: { email: "a\u0000@example.com" }) { email } }`,
      field: 'input.email',
    },
    {
      subgraph: 'users',
      query: String.raw`mutation { updateProfile(input: { email: "b\u0000@example.com" }) { user { id email } } }`,
      field: 'input.email',
      token: customer.accessToken,
    },
    { subgraph: 'catalog', query: String.raw`{ productBySlug(slug: "a\u0000") { id } }`, field: 'slug' },
    { subgraph: 'catalog', query: String.raw`{ categoryBySlug(slug: "a\u0000") { id } }`, field: 'slug' },
    {
      subgraph: 'catalog',
      query: String.raw`{ products(filter: { categorySlug: "a\u0000" }) { edges { node { id } } } }`,
      field: 'filter.categorySlug',
    },
    {
      subgraph: 'users',
      query: String.raw`{ users(filter: { search: "a\u0000" }) { edges { node { id } } } }`,
      field: 'filter.search',
      token: admin,
    },
  ];

  function expectRefused(result: GraphQLResponse, field: string) {
    expect(result.status).toBe(400);
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: `Invalid input: ${field} must not contain control characters`,
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field, message: 'must not contain control characters' }] },
      }),
    ]);
  }

  function expectNothingUnexpectedLoggedSince(line: number) {
    const records = supergraph.logs.records().slice(line);
    expect(records.filter((record) => record.level === 'error' || record.err)).toEqual([]);
    expect(supergraph.logs.lines.slice(line).join('')).not.toMatch(/\bat .+\.js:\d+/);
  }

  it.each(['gateway', 'subgraph'] as const)('refuses each probe of the issue (%s)', async (target) => {
    const before = supergraph.logs.lines.length;
    for (const probe of probes()) {
      const client = target === 'gateway' ? supergraph.client : subgraphClient(probe.subgraph);
      expectRefused(await client.request(probe.query, { token: probe.token }), probe.field);
    }
    expectNothingUnexpectedLoggedSince(before);
    expect((await supergraph.client.data(`{ me { email } }`, { token: customer.accessToken })).me.email).toBe(
      customer.user.email,
    );
  });

  it('refuses the same characters in variables, inside nested input objects, and writes no row', async () => {
    const before = supergraph.logs.lines.length;
    const displayName = `Nested ${Date.now()}`;
    const result = await supergraph.client.request(
      `mutation($i: RegisterInput!) { register(input: $i) { accessToken } }`,
      {
        variables: { i: { email: `nested.${Date.now()}@example.com`, password: 'pass\u0000phrase long', displayName } },
      },
    );
    expectRefused(result, 'input.password');
    const [{ count }] = await supergraph.subgraphs
      .get('users')!
      .deps.db.query<{ count: string }[]>(`SELECT count(*) FROM users WHERE display_name = $1`, [displayName]);
    expect(count).toBe('0');

    expectRefused(
      await supergraph.client.request(
        `mutation($e: String!) { requestPasswordReset(input: { email: $e }) { email } }`,
        {
          variables: { e: `x\u0000@example.com` },
        },
      ),
      'input.email',
    );
    expectNothingUnexpectedLoggedSince(before);
  });

  it('refuses other C0 and C1 controls and unpaired surrogates, and lists every offending value', async () => {
    const result = await supergraph.client.request(
      `query($a: String!, $b: String!) { a: productBySlug(slug: $a) { id } b: categoryBySlug(slug: $b) { id } }`,
      { variables: { a: 'esc\u001b[2J', b: 'half \ud800 pair' } },
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'slug', message: 'must not contain control characters' },
        { field: 'slug', message: 'must be valid Unicode text (no unpaired surrogate)' },
      ],
    });
    const c1 = await supergraph.client.request(`query($a: String!) { productBySlug(slug: $a) { id } }`, {
      variables: { a: 'next\u0085line' },
    });
    expect(c1.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lets tabs, line breaks and characters outside the basic plane through to the resolver', async () => {
    const result = await supergraph.client.request(`query($a: String!) { productBySlug(slug: $a) { id } }`, {
      variables: { a: 'tab\there\nand\r\n 😀' },
    });
    // No such product: null without an error (a lookup never tells missing from hidden).
    expect({ data: result.data, errors: result.errors }).toEqual({ data: { productBySlug: null }, errors: undefined });
  });

  it('refuses them over WebSocket too: at the gateway, and at a subgraph serving its own subscriptions', async () => {
    const gateway = subscriptionClient(supergraph.client.url, customer.accessToken);
    const orders = subscriptionClient(supergraph.subgraphs.get('orders')!.url, customer.accessToken);
    try {
      const query = subscribe(gateway, `query($s: String!) { categoryBySlug(slug: $s) { id } }`, { s: 'x\u0000' });
      const result = await query.push(1);
      expect(result.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'slug', message: 'must not contain control characters' }],
      });
      const live = subscribe(orders, `subscription($o: ID!) { orderUpdated(orderId: $o) { id } }`, { o: '\u0000' });
      expect(await live.ended).toEqual([
        expect.objectContaining({
          extensions: {
            code: 'BAD_USER_INPUT',
            fields: [{ field: 'orderId', message: 'must not contain control characters' }],
          },
        }),
      ]);
    } finally {
      await Promise.all([gateway.dispose(), orders.dispose()]);
    }
  });
});
