import { envReader } from '@marketplace/kit';
import { GraphQLTestClient, TestSubgraph } from '@marketplace/kit/testing';
import { startGateway } from '@marketplace/gateway';
import { startUsers } from '@marketplace/users/testing';

/**
 * The whole supergraph as a client sees it: the committed supergraph.graphql served by the
 * gateway, real subgraphs behind it, real HTTP in between.
 */
describe('supergraph through the gateway', () => {
  let users: TestSubgraph;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let client: GraphQLTestClient;

  beforeAll(async () => {
    users = await startUsers();
    gateway = await startGateway({ env: envReader({ ...process.env, USERS_URL: users.subgraph.url }), port: 0 });
    client = new GraphQLTestClient(gateway.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await users?.close();
  });

  const email = `e2e.${Date.now()}@example.com`;
  const password = 'end to end passphrase';

  it('register → login → me', async () => {
    const registered = await client.data(
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id email role } } }`,
      { variables: { input: { email, password, displayName: 'End To End' } } },
    );
    expect(registered.register.user).toMatchObject({ email, role: 'CUSTOMER' });

    const loggedIn = await client.data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken expiresIn } }`,
      {
        variables: { e: email, p: password },
      },
    );
    expect(loggedIn.login.expiresIn).toBe(900);

    const me = await client.data(`{ me { id email displayName emailVerified } }`, {
      token: loggedIn.login.accessToken,
    });
    expect(me.me).toEqual({ id: registered.register.user.id, email, displayName: 'End To End', emailVerified: false });
  });

  it('keeps subgraph error codes and field details', async () => {
    const result = await client.request(
      `mutation { register(input: { email: "nope", password: "x", displayName: "" }) { accessToken } }`,
    );
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: expect.arrayContaining([expect.objectContaining({ field: 'input.email' })]),
    });
    const duplicate = await client.request(
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`,
      {
        variables: { input: { email: email.toUpperCase(), password, displayName: 'Again' } },
      },
    );
    expect(duplicate.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN' });
    expect(JSON.stringify(duplicate.errors)).not.toMatch(/stacktrace|at .*\.js:\d+/);
  });

  it('refuses a forged token at the gateway and an admin field to a customer', async () => {
    expect(
      await client.errorCode(`{ me { id } }`, { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6IkFETUlOIn0.' }),
    ).toBe('UNAUTHENTICATED');
    const { login } = await client.data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
      { variables: { e: email, p: password } },
    );
    expect(await client.errorCode(`{ users { totalCount } }`, { token: login.accessToken })).toBe('FORBIDDEN');
  });
});
