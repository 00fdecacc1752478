import { generateKeyPairSync } from 'node:crypto';
import { buildSchema, graphql } from 'graphql';
import jwt from 'jsonwebtoken';
import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { API_KEY_SCOPE_DIRECTIVE, limitApiKeysToTheirScopes } from './api-key-scope';
import { Role, Viewer } from '../contracts/roles';

/** The field checks every subgraph applies to API keys, on a small schema shaped like the real ones. */
const schema = limitApiKeysToTheirScopes(
  buildSchema(`
  directive @cacheControl(maxAge: Int, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  ${API_KEY_SCOPE_DIRECTIVE}
  type Query {
    me: Person
    vendor: Vendor @apiKeyScope(scope: "sales:read")
    shop: Vendor @apiKeyScope(scope: "catalog:write")
    _entities: [Vendor]
  }
  type Mutation { changePassword: Boolean }
  type Person @cacheControl(maxAge: 60) { name: String orders: Orders }
  type Orders { count: Int }
  type Vendor @cacheControl(maxAge: 60) {
    name: String
    owner: Person
    earnings: Earnings @apiKeyScope(scope: "sales:read")
    secret: String @cacheControl(maxAge: 0)
  }
  type Earnings { net: Int breakdown: Breakdown }
  type Breakdown { gross: Int }
`),
);
const person = { name: 'Ada', orders: { count: 2 } };
const vendor = { name: 'Ada Agents', owner: person, earnings: { net: 10, breakdown: { gross: 12 } }, secret: 's' };
const rootValue = { me: person, vendor, shop: vendor, _entities: [vendor], changePassword: true };

function run(source: string, viewer: Viewer | null) {
  return graphql({ schema, source, rootValue, contextValue: { viewer } });
}
const keyed = (...scopes: string[]): Viewer => ({ id: 'u1', role: Role.VENDOR, apiKey: { id: 'k1', scopes } });
const ada: Viewer = { id: 'u1', role: Role.VENDOR };

it('leaves people untouched', async () => {
  const answer = await run(
    `{ me { orders { count } } vendor { secret earnings { net } owner { orders { count } } } }`,
    ada,
  );
  expect(answer.errors).toBeUndefined();
  expect((await run(`mutation { changePassword }`, ada)).data).toEqual({ changePassword: true });
});

it('opens a scoped field and what lies under it to a key with the scope', async () => {
  const answer = await run(`{ vendor { name earnings { net breakdown { gross } } } }`, keyed('sales:read'));
  expect(answer.errors).toBeUndefined();
  expect(answer.data).toEqual({ vendor: { name: 'Ada Agents', earnings: { net: 10, breakdown: { gross: 12 } } } });
});

it('refuses a scoped field to a key without the scope, naming it', async () => {
  const answer = await run(`{ shop { name earnings { net } } }`, keyed('catalog:write'));
  expect(answer.data).toEqual({ shop: { name: 'Ada Agents', earnings: null } });
  expect(answer.errors?.[0].extensions).toEqual({
    code: 'FORBIDDEN',
    reason: 'API_KEY_NOT_ALLOWED',
    requiredScope: 'sales:read',
    refusedField: 'Vendor.earnings',
  });
});

it('refuses unscoped root fields and private fields outside a scoped subtree, whatever the scopes', async () => {
  const every = keyed('sales:read', 'catalog:write', 'licenses:validate');
  for (const source of [`{ me { name } }`, `mutation { changePassword }`]) {
    const answer = await run(source, every);
    expect(answer.errors?.[0].extensions).toMatchObject({ reason: 'API_KEY_NOT_ALLOWED', requiredScope: null });
  }
  // `secret` (maxAge 0) and `owner.orders` (an object type without a public hint) are private, and an entity lookup opens
  // nothing: a subgraph answering the gateway's `_entities` sees none of the scoped fields above them.
  const answer = await run(`{ _entities { secret owner { name orders { count } } } }`, every);
  expect(answer.errors?.map((error) => error.extensions.refusedField).sort()).toEqual([
    'Person.orders',
    'Vendor.secret',
  ]);
  // Under a scoped field the key was allowed, its scope covers the private fields it returns.
  expect((await run(`{ shop { secret owner { orders { count } } } }`, every)).errors).toBeUndefined();
});

it("lets the gateway's entity lookups through and checks the entities' fields", async () => {
  const answer = await run(`{ _entities { name earnings { net } } }`, keyed('catalog:write'));
  expect(answer.data).toEqual({ _entities: [{ name: 'Ada Agents', earnings: null }] });
  expect(answer.errors?.[0].extensions.requiredScope).toBe('sales:read');
});

describe('API key claims', () => {
  const settings = { issuer: 'marketplace-test', audience: 'marketplace-test-api' };
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const verifier = new AccessTokenVerifier(publicKey.export({ type: 'spki', format: 'pem' }).toString(), settings);

  it('travel in the token and come back as the viewer’s apiKey', () => {
    const token = new AccessTokenSigner(privatePem, settings).sign(keyed('sales:read'), 3, 60);
    expect(verifier.verify(token)).toEqual(keyed('sales:read'));
  });

  it('refuse a token whose key claims are malformed', () => {
    for (const claims of [
      { akid: 'k1' },
      { scp: ['sales:read'] },
      { akid: 'k1', scp: 'sales:read' },
      { akid: 1, scp: [] },
    ]) {
      const token = jwt.sign({ role: Role.VENDOR, sv: 1, ...claims }, privatePem, {
        algorithm: 'RS256',
        subject: 'u1',
        expiresIn: 60,
        ...settings,
      });
      expect(() => verifier.verify(token)).toThrow('Invalid access token');
    }
  });
});
