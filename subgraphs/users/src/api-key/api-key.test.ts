import { queryRows } from '@marketplace/kit';
import { TestSubgraph, globalId, uuidOf } from '@marketplace/kit/testing';
import { SignedInRoles, claimsOf, registerAs, startUsersWithRoles } from '../testing';
import { API_KEY_GRANT_PATH, API_KEY_HEADER } from './api-key-grant.routes';
import { API_KEY_GRANT_TTL_SECONDS, MAX_ACTIVE_API_KEYS } from './api-key.service';

/** The users subgraph's side of API keys: the exchange route, what it refuses, last use, and the per-vendor limit. */
let users: TestSubgraph;
let roles: SignedInRoles;
beforeAll(async () => {
  ({ users, roles } = await startUsersWithRoles());
});
afterAll(() => users.close());

const CREATE = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`;
const db = () => users.subgraph.deps.db;

async function createKey(token: string, scopes = ['SALES_READ']): Promise<{ secret: string; id: string }> {
  const { createApiKey } = await users.client.data(CREATE, { token, variables: { i: { name: 'ci', scopes } } });
  return { secret: createApiKey.secret, id: uuidOf(createApiKey.apiKey.id) };
}

/** The route as the gateway calls it: signed, unless `signature` says otherwise. */
async function exchange(key: string, signature?: string) {
  const url = new URL(API_KEY_GRANT_PATH, users.subgraph.url);
  const signed = users.gatewaySigner.identityHeaders({ method: 'POST', path: API_KEY_GRANT_PATH });
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...signed, ...(signature ? { 'x-gateway-signature': signature } : {}), [API_KEY_HEADER]: key },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it("grants a token of the owner carrying the key's id and scopes, which no root field without a scope accepts", async () => {
  const key = await createKey(roles.vendor.accessToken, ['SALES_READ', 'CATALOG_WRITE']);
  const { status, body } = await exchange(key.secret);
  expect(status).toBe(200);
  expect(body).toMatchObject({ apiKeyId: key.id, expiresIn: API_KEY_GRANT_TTL_SECONDS });
  const claims = claimsOf(body.accessToken as string);
  expect(claims).toMatchObject({ sub: uuidOf(roles.vendor.user.id), role: 'VENDOR', akid: key.id });
  expect(claims.scp).toEqual(['sales:read', 'catalog:write']);
  for (const query of [`{ me { id } }`, `{ apiKeys { id } }`]) {
    const answer = await users.client.request(query, { token: body.accessToken as string });
    expect(answer.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'API_KEY_NOT_ALLOWED',
      requiredScope: null,
    });
  }
  const wider = await users.client.request(CREATE, {
    token: body.accessToken as string,
    variables: { i: { name: 'wider', scopes: ['LICENSES_VALIDATE'] } },
  });
  expect(wider.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

it('records creating and revoking a key in the audit trail, never the secret', async () => {
  const key = await createKey(roles.vendor.accessToken, ['LICENSES_VALIDATE']);
  await users.client.data(`mutation($k: ID!) { revokeApiKey(input: { apiKeyId: $k }) { apiKey { id } } }`, {
    token: roles.vendor.accessToken,
    variables: { k: globalId('ApiKey', key.id) },
  });
  const rows = await queryRows<{ payload: Record<string, unknown> }>(
    db(),
    `SELECT envelope->'payload' AS payload FROM outbox
      WHERE type = 'audit.recorded' AND envelope->'payload'->>'targetId' = $1 ORDER BY position`,
    [key.id],
  );
  const prefix = key.secret.slice(0, 'mk_'.length + 16);
  expect(rows.map((row) => row.payload)).toEqual([
    expect.objectContaining({
      action: 'API_KEY_CREATED',
      targetType: 'ApiKey',
      actor: { kind: 'USER', userId: uuidOf(roles.vendor.user.id), role: 'VENDOR' },
      after: { name: 'ci', prefix, scopes: ['licenses:validate'], expiresAt: null },
    }),
    expect.objectContaining({ action: 'API_KEY_REVOKED', after: { name: 'ci', prefix } }),
  ]);
  expect(JSON.stringify(rows)).not.toContain(key.secret.slice(prefix.length + 1));
});

it("puts the vendor's keys in their data export, without the secrets", async () => {
  const vendor = await registerAs(users, 'VENDOR');
  const key = await createKey(vendor.accessToken, ['CATALOG_WRITE']);
  const { exportMyData } = await users.client.data(`mutation { exportMyData { dataExport { id } } }`, {
    token: vendor.accessToken,
  });
  const [part] = await queryRows<{ data: { apiKeys: Array<Record<string, unknown>> } }>(
    db(),
    `SELECT data FROM data_export_parts WHERE export_id = $1 AND subgraph = 'users'`,
    [uuidOf(exportMyData.dataExport.id)],
  );
  expect(part.data.apiKeys).toEqual([
    expect.objectContaining({ id: key.id, name: 'ci', prefix: key.secret.slice(0, 19), scopes: ['catalog:write'] }),
  ]);
  expect(JSON.stringify(part.data)).not.toContain(key.secret.slice(20));
});

it('revokes and scrubs the keys of an erased account', async () => {
  const vendor = await registerAs(users, 'VENDOR');
  const key = await createKey(vendor.accessToken);
  // Vendors' accounts are closed by an admin.
  await users.client.data(`mutation($u: ID!) { eraseUser(input: { userId: $u }) { user { id } } }`, {
    token: roles.admin.accessToken,
    variables: { u: vendor.user.id },
  });
  const [row] = await queryRows<{ name: string; revoked: boolean }>(
    db(),
    `SELECT name, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = $1`,
    [key.id],
  );
  expect(row).toEqual({ name: 'erased', revoked: true });
  expect((await exchange(key.secret)).status).toBe(401);
});

it('answers the gateway only', async () => {
  const key = await createKey(roles.vendor.accessToken);
  const stale = users.gatewaySigner.identityHeaders(
    { method: 'POST', path: API_KEY_GRANT_PATH },
    Math.floor(Date.now() / 1000) - 600,
  )['x-gateway-signature'];
  const otherPath = users.gatewaySigner.identityHeaders({ method: 'POST', path: '/graphql' })['x-gateway-signature'];
  // Every subgraph request's signature check refuses a stale or misplaced signature (401); the route, none (403).
  for (const signature of [stale, otherPath]) expect((await exchange(key.secret, signature)).status).toBe(401);
  const unsigned = await fetch(new URL(API_KEY_GRANT_PATH, users.subgraph.url), {
    method: 'POST',
    headers: { [API_KEY_HEADER]: key.secret },
  });
  expect(unsigned.status).toBe(403);
});

it('refuses, with one answer, unknown, wrong, malformed, revoked and expired keys and owners who no longer qualify', async () => {
  const vendor = await registerAs(users, 'VENDOR');
  const key = await createKey(vendor.accessToken);
  const ownerId = uuidOf(vendor.user.id);
  const refusals: Array<Record<string, unknown>> = [];
  const refused = async (secret: string) => {
    const { status, body } = await exchange(secret);
    expect(status).toBe(401);
    refusals.push(body);
  };
  await refused(`${key.secret.slice(0, -4)}AAAA`);
  await refused(`mk_0123456789abcdef_${key.secret.slice(-43)}`);
  await refused('mk_nonsense');
  await db().query(
    `UPDATE users SET suspended_at = now(), suspension_reason = 'test', suspended_by = $2 WHERE id = $1`,
    [ownerId, uuidOf(roles.admin.user.id)],
  );
  await refused(key.secret);
  await db().query(
    `UPDATE users SET suspended_at = NULL, suspension_reason = NULL, suspended_by = NULL, role = 'CUSTOMER' WHERE id = $1`,
    [ownerId],
  );
  await refused(key.secret);
  await db().query(`UPDATE users SET role = 'VENDOR' WHERE id = $1`, [ownerId]);
  expect((await exchange(key.secret)).status).toBe(200);
  await db().query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
  await refused(key.secret);
  await db().query(`UPDATE api_keys SET expires_at = NULL, revoked_at = now() WHERE id = $1`, [key.id]);
  await refused(key.secret);
  expect(new Set(refusals.map((body) => JSON.stringify(body))).size).toBe(1);
});

it('records last use at most once a minute', async () => {
  const key = await createKey(roles.vendor.accessToken);
  const lastUse = async () =>
    (await queryRows<{ at: Date | null }>(db(), `SELECT last_used_at AS at FROM api_keys WHERE id = $1`, [key.id]))[0]
      .at;
  expect(await lastUse()).toBeNull();
  await exchange(key.secret);
  const first = await lastUse();
  expect(first).not.toBeNull();
  await exchange(key.secret);
  expect(await lastUse()).toEqual(first);
  await db().query(`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [key.id]);
  await exchange(key.secret);
  expect((await lastUse())!.getTime()).toBeGreaterThan(first!.getTime() - 1);
});

it(`holds the limit of ${MAX_ACTIVE_API_KEYS} working keys under concurrent creations`, async () => {
  const vendor = await registerAs(users, 'VENDOR');
  const answers = await Promise.all(
    Array.from({ length: MAX_ACTIVE_API_KEYS + 5 }, () =>
      users.client.request(CREATE, {
        token: vendor.accessToken,
        variables: { i: { name: 'race', scopes: ['SALES_READ'] } },
      }),
    ),
  );
  expect(answers.filter((answer) => answer.data?.createApiKey).length).toBe(MAX_ACTIVE_API_KEYS);
  expect(answers.filter((answer) => answer.errors?.[0].extensions?.code === 'BAD_USER_INPUT').length).toBe(5);
});
