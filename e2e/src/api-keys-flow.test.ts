import { randomUUID } from 'node:crypto';
import { DemoIds } from '@marketplace/kit';
import { GraphQLTestClient, globalId } from '@marketplace/kit/testing';
import { DEMO_PASSWORD } from '@marketplace/users';
import { adaProducts, register, rowsIn, signIn } from './testing/privacy';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 25, vendors' API keys, through the gateway only: a vendor makes a key for their
 * software, which then acts as the vendor within the key's scopes, field by field; revoked,
 * expired, unknown and malformed keys are refused, keys are the vendor's own business, and
 * each key has its own rate limit.
 */
// Grace signs out everywhere below, ending her sessions: this file keeps its own session versions, as demo users' tokens
// are shared by every test file (jest gives each file a copy of the environment, read when the supergraph starts).
process.env.SESSION_KEY_PREFIX = `${process.env.SESSION_KEY_PREFIX ?? 'test'}:api-keys-flow-${randomUUID()}`;

let supergraph: TestSupergraph;
beforeAll(async () => {
  // A short exchange cache keeps the revocation tests quick; its bound is what they check.
  supergraph = await startTestSupergraph({ API_KEY_CACHE_SECONDS: '1' });
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 60_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
const ADA_VENDOR = globalId('Vendor', DemoIds.vendors.ada);
const CREATE = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id name prefix scopes expiresAt lastUsedAt } } }`;
const LIST = `{ apiKeys { id prefix name scopes lastUsedAt } }`;
const REVOKE = `mutation($k: ID!) { revokeApiKey(input: { apiKeyId: $k }) { apiKey { id } } }`;
const BALANCES = `query($v: ID!) { vendor(id: $v) { displayName balances { currency available { amount } } } }`;
const withKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const adaToken = () => signIn(supergraph, 'ada@vendors.local', DEMO_PASSWORD);
const graceToken = () => signIn(supergraph, 'grace@vendors.local', DEMO_PASSWORD);

async function createKey(token: string, scopes: string[], name = 'build server') {
  const { createApiKey } = await gql().data(CREATE, { token, variables: { i: { name, scopes } } });
  return createApiKey as { secret: string; apiKey: { id: string; prefix: string; scopes: string[] } };
}

describe('a vendor and their keys', () => {
  it('shows the secret once, lists keys without it, and stores only its hash', async () => {
    const token = await adaToken();
    const created = await createKey(token, ['SALES_READ', 'CATALOG_WRITE']);
    expect(created.secret).toMatch(/^mk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey.scopes).toEqual(['SALES_READ', 'CATALOG_WRITE']);
    const { apiKeys } = await gql().data(LIST, { token });
    expect(apiKeys.map((key: { id: string }) => key.id)).toContain(created.apiKey.id);
    expect(JSON.stringify(apiKeys)).not.toContain(created.secret.slice(created.apiKey.prefix.length + 1));
    const rows = await rowsIn<Record<string, unknown>>(supergraph, 'users', `SELECT * FROM api_keys`);
    expect(JSON.stringify(rows)).not.toContain(created.secret.slice(created.apiKey.prefix.length + 1));
  });

  it('refuses keys to customers and admins, and refuses bad input', async () => {
    const customer = await register(supergraph, 'Keyless');
    expect(
      await gql().errorCode(CREATE, { token: customer.token, variables: { i: { name: 'x', scopes: ['SALES_READ'] } } }),
    ).toBe('FORBIDDEN');
    const admin = await signIn(supergraph, 'admin@marketplace.local', 'admin-password-123');
    expect(
      await gql().errorCode(CREATE, { token: admin, variables: { i: { name: 'x', scopes: ['SALES_READ'] } } }),
    ).toBe('FORBIDDEN');
    expect(await gql().errorCode(CREATE, { variables: { i: { name: 'x', scopes: ['SALES_READ'] } } })).toBe(
      'UNAUTHENTICATED',
    );
    const token = await adaToken();
    for (const i of [
      { name: ' ', scopes: ['SALES_READ'] },
      { name: 'none', scopes: [] },
      { name: 'past', scopes: ['SALES_READ'], expiresAt: new Date(Date.now() - 1000).toISOString() },
    ])
      expect(await gql().errorCode(CREATE, { token, variables: { i } })).toBe('BAD_USER_INPUT');
  });

  it("lets no vendor see or revoke another vendor's keys", async () => {
    const ada = await createKey(await adaToken(), ['SALES_READ']);
    const grace = await graceToken();
    const { apiKeys } = await gql().data(LIST, { token: grace });
    expect(apiKeys.map((key: { id: string }) => key.id)).not.toContain(ada.apiKey.id);
    expect(await gql().errorCode(REVOKE, { token: grace, variables: { k: ada.apiKey.id } })).toBe('NOT_FOUND');
    await gql().data(BALANCES, { ...withKey(ada.secret), variables: { v: ADA_VENDOR } });
  });
});

describe('a request with a key', () => {
  it('acts as the vendor within its scopes and records its last use', async () => {
    const token = await adaToken();
    const { secret, apiKey } = await createKey(token, ['SALES_READ', 'CATALOG_WRITE']);
    const { vendor } = await gql().data(BALANCES, { ...withKey(secret), variables: { v: ADA_VENDOR } });
    // Balances are for the vendor's owner only: the key acts as Ada.
    expect(vendor.balances).not.toBeNull();
    const [productId] = await adaProducts(supergraph);
    const { updateProduct } = await gql().data(
      `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { id tags } } }`,
      { ...withKey(secret), variables: { i: { productId, tags: ['api-key'] } } },
    );
    expect(updateProduct.product.tags).toEqual(['api-key']);
    const { apiKeys } = await gql().data(LIST, { token });
    expect(apiKeys.find((key: { id: string }) => key.id === apiKey.id).lastUsedAt).not.toBeNull();
  });

  it('refuses, field by field, what its scopes do not cover, naming the missing scope', async () => {
    const { secret } = await createKey(await adaToken(), ['LICENSES_VALIDATE']);
    const answer = await gql().request(BALANCES, { ...withKey(secret), variables: { v: ADA_VENDOR } });
    expect(answer.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'API_KEY_NOT_ALLOWED',
      requiredScope: 'sales:read',
    });
    // The scope it has works.
    const { validateLicense } = await gql().data(
      `{ validateLicense(licenseKey: "MP1.nonsense", fingerprint: "build-01") { valid code } }`,
      withKey(secret),
    );
    expect(validateLicense).toEqual({ valid: false, code: 'INVALID_SIGNATURE' });
  });

  it('never reaches account, key or private fields, whatever its scopes', async () => {
    const { secret, apiKey } = await createKey(await adaToken(), ['SALES_READ', 'CATALOG_WRITE', 'LICENSES_VALIDATE']);
    for (const [query, variables] of [
      [`{ me { id } }`, {}],
      [LIST, {}],
      [CREATE, { i: { name: 'wider', scopes: ['SALES_READ'] } }],
      [REVOKE, { k: apiKey.id }],
      [
        `mutation { changePassword(input: { currentPassword: "x", newPassword: "a much longer password" }) { user { id } } }`,
        {},
      ],
      [`query($v: ID!) { vendor(id: $v) { owner { orders(first: 1) { totalCount } } } }`, { v: ADA_VENDOR }],
    ] as const) {
      const answer = await gql().request(query, { ...withKey(secret), variables });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'API_KEY_NOT_ALLOWED' });
    }
  });

  it("cannot do what its owner could not: another vendor's product", async () => {
    const { secret } = await createKey(await graceToken(), ['CATALOG_WRITE']);
    const [adasProduct] = await adaProducts(supergraph);
    const answer = await gql().request(
      `mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { id } } }`,
      { ...withKey(secret), variables: { i: { productId: adasProduct, tags: ['hijacked'] } } },
    );
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(answer.errors?.[0].extensions?.code);
  });

  it('stops working within the cache bound once revoked or expired', async () => {
    const token = await adaToken();
    const revoked = await createKey(token, ['SALES_READ']);
    const expired = await createKey(token, ['SALES_READ']);
    for (const key of [revoked, expired])
      await gql().data(BALANCES, { ...withKey(key.secret), variables: { v: ADA_VENDOR } });
    await gql().data(REVOKE, { token, variables: { k: revoked.apiKey.id } });
    await rowsIn(
      supergraph,
      'users',
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE lookup_id = $1`,
      [expired.apiKey.prefix.slice('mk_'.length)],
    );
    for (const key of [revoked, expired]) {
      await until(
        async () => {
          const answer = await gql().request(BALANCES, { ...withKey(key.secret), variables: { v: ADA_VENDOR } });
          return answer.status === 401 && answer.errors?.[0].extensions?.code === 'UNAUTHENTICATED' ? true : undefined;
        },
        'the key refused',
        3_000,
      );
    }
  });

  it("outlives its owner's ended sessions: the gateway exchanges the key again", async () => {
    const remembering = await supergraph.startGateway({ API_KEY_CACHE_SECONDS: '60' });
    const { login } = await gql().data(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken } }`,
      { variables: { e: 'grace@vendors.local', p: DEMO_PASSWORD } },
    );
    const { secret } = await createKey(login.accessToken, ['SALES_READ']);
    const client = new GraphQLTestClient(remembering.url);
    const variables = { v: globalId('Vendor', DemoIds.vendors.grace) };
    await client.data(BALANCES, { ...withKey(secret), variables });
    // Logout ends every access token of Grace's, the one the gateway got for the key included.
    await gql().data(`mutation($t: String!) { logout(input: { refreshToken: $t }) { sessionEnded } }`, {
      variables: { t: login.refreshToken },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { vendor } = await client.data(BALANCES, { ...withKey(secret), variables });
    expect(vendor.balances).not.toBeNull();
  });

  it('refuses unknown and malformed keys with one answer', async () => {
    const { secret } = await createKey(await adaToken(), ['SALES_READ']);
    const wrongSecret = `${secret.slice(0, -4)}AAAA`;
    const unknownId = `mk_0123456789abcdef_${secret.slice(-43)}`;
    const answers = [];
    for (const key of [wrongSecret, unknownId, 'mk_short', 'mk_0123456789abcdef_!!!'])
      answers.push(await gql().request(BALANCES, { ...withKey(key), variables: { v: ADA_VENDOR } }));
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]).toMatchObject({
        message: answers[0].errors?.[0].message,
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });

  it("is refused at the users subgraph's exchange route without the gateway's signature", async () => {
    const { secret } = await createKey(await adaToken(), ['SALES_READ']);
    const users = new URL(supergraph.subgraphs.get('users')!.url);
    const response = await fetch(new URL('/internal/api-key-grants', users), {
      method: 'POST',
      headers: { 'x-api-key': secret },
    });
    expect(response.status).toBe(403);
  });

  it('counts each key against its own rate limit', async () => {
    const limited = await supergraph.startGateway({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_PER_API_KEY_PER_MINUTE: '2',
    });
    const token = await adaToken();
    const first = await createKey(token, ['SALES_READ']);
    const second = await createKey(token, ['SALES_READ']);
    const ask = (key: string) =>
      fetch(limited.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: BALANCES, variables: { v: ADA_VENDOR } }),
      });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await ask(first.secret)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await ask(second.secret)).status).toBe(200);
  });
});
