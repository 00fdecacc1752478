import { randomUUID } from 'node:crypto';
import { DemoIds, SubgraphModule, loadTokenKeys, queryRows, readCommonConfig } from '@marketplace/kit';
import {
  GraphQLTestClient,
  globalId,
  jwtWithClaims,
  recordTestSession,
  tokenFor,
  tokenOfUnknownUser,
  uuidOf,
} from '@marketplace/kit/testing';
import { subgraphs as allSubgraphs } from '@marketplace/scripts';
import { ledgerOf, orderOf, orderWithIntent, postWebhook, succeeded } from './testing/money';
import { TestSupergraph, startTestSupergraph, until } from './testing/supergraph';

/**
 * Issue 18's outside probes of the subgraphs, identity and the money path (items 7–13), sent
 * again at the whole supergraph: at a subgraph's own port as an attacker on the network would,
 * or through the gateway. Items 1–6: security-probes.edge.test.ts; 14–16 are flows and
 * faults (money-guards-flow, infra and start tests, kit/src/events/relay.recovery.test.ts).
 */
const WEBHOOK_SECRET = `whsec_${randomUUID().replace(/-/g, '')}`;
/** Low, so the forged-IP probe reaches it quickly; the few registrations of the other probes fit under it. */
const REGISTRATIONS_PER_IP_PER_HOUR = 10;
const PASSWORD = 'a long probe passphrase';

/** Every mail the users subgraph sent, tokens included, to look for them in the log. */
const mails: { kind: string; to: string; text: string }[] = [];
const withMailbox = (module: SubgraphModule): SubgraphModule =>
  module.name !== 'users'
    ? module
    : {
        ...module,
        readSettings: (reader) => ({
          ...(module.readSettings!(reader) as object),
          copyMailTo: { send: async (mail: (typeof mails)[number]) => void mails.push(mail) },
        }),
      };

let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph(
    { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, REGISTRATIONS_PER_IP_PER_HOUR: String(REGISTRATIONS_PER_IP_PER_HOUR) },
    allSubgraphs.map(withMailbox),
  );
  for (const name of ['users', 'vendor', 'catalog']) await supergraph.subgraphs.get(name)!.wiring.seed?.();
}, 120_000);
afterAll(() => supergraph?.close());

const gql = () => supergraph.client;
/** A client at a subgraph's own port that does not sign: what anyone on the network can send. */
const atPort = (subgraph: string) => new GraphQLTestClient(supergraph.subgraphs.get(subgraph)!.url);
const REGISTER = `mutation($i: RegisterInput!) { register(input: $i) { accessToken refreshToken user { id email } } }`;
const register = async (label: string) =>
  (
    await gql().data(REGISTER, {
      variables: { i: { email: `${label}.${randomUUID()}@example.com`, password: PASSWORD, displayName: label } },
    })
  ).register as { accessToken: string; refreshToken: string; user: { id: string; email: string } };

it('item 8: a NUL byte in each of the seven inputs is BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', async () => {
  const customer = tokenFor(DemoIds.users.alan, 'CUSTOMER');
  const admin = tokenFor(DemoIds.users.admin, 'ADMIN');
  const probes: [string, string?][] = [
    [
      String.raw`mutation { login(input: { email: "a\u0000@example.com", password: "whatever passphrase" }) { accessToken } }`,
    ],
    [String.raw`mutation { requestPasswordReset(input: { email: "a\u0000@example.com" }) { email } }`],
    [String.raw`mutation { updateProfile(input: { email: "b\u0000@example.com" }) { user { id } } }`, customer],
    [String.raw`{ productBySlug(slug: "a\u0000") { id } }`],
    [String.raw`{ categoryBySlug(slug: "a\u0000") { id } }`],
    [String.raw`{ products(filter: { categorySlug: "a\u0000" }) { edges { node { id } } } }`],
    [String.raw`{ users(filter: { search: "a\u0000" }) { edges { node { id } } } }`, admin],
  ];
  for (const [query, token] of probes) {
    const result = await gql().request(query, { token });
    expect({ query, status: result.status, codes: result.errors?.map((e) => e.extensions?.code) }).toEqual({
      query,
      status: 400,
      codes: ['BAD_USER_INPUT'],
    });
  }
});

describe('item 9: tokens', () => {
  const ME = '{ me { id } }';

  it('a token signed with the real key but without exp is refused', async () => {
    recordTestSession(DemoIds.users.alan);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: DemoIds.users.alan,
      role: 'CUSTOMER',
      iss: 'marketplace-users',
      aud: 'marketplace',
      iat: now,
      sv: 1,
    };
    const noExp = jwtWithClaims(claims, loadTokenKeys(readCommonConfig()).privateKeyPem!);
    const withExp = jwtWithClaims({ ...claims, exp: now + 600 }, loadTokenKeys(readCommonConfig()).privateKeyPem!);
    // The same claims with exp are served, so exp alone is what the refusal is about.
    expect((await gql().data(ME, { token: withExp })).me.id).toBe(globalId('User', DemoIds.users.alan));
    const refused = await gql().request(ME, { token: noExp });
    expect([refused.status, refused.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('a token of an unknown subject creates no cart, order or vendor application', async () => {
    const token = tokenOfUnknownUser(randomUUID(), 'CUSTOMER');
    const { products } = await gql().data('{ products(first: 1) { edges { node { id } } } }');
    for (const [query, variables] of [
      [
        'mutation($p: ID!) { addToCart(input: { productId: $p }) { cart { itemCount } } }',
        { p: products.edges[0].node.id },
      ],
      [
        'mutation($k: String!) { checkout(input: { idempotencyKey: $k, billing: { name: "Test Buyer", country: "US" } }) { order { id } } }',
        { k: randomUUID() },
      ],
      ['mutation { applyAsVendor(input: { displayName: "Ghost Labs", bio: "Nobody." }) { vendor { id } } }', {}],
    ] as const) {
      const result = await gql().request(query, { token, variables });
      expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      // No payload: no data at all, or (mutations answer nullable payloads) the mutation's field null.
      expect(Object.values(result.data ?? {}).filter((payload) => payload !== null)).toEqual([]);
    }
  });

  it('an access token is refused right after logout, not at its expiry', async () => {
    const session = await register('Leaver');
    expect((await gql().data(ME, { token: session.accessToken })).me.id).toBe(session.user.id);
    const { logout } = await gql().data(
      `mutation($t: String!) { logout(input: { refreshToken: $t }) { sessionEnded } }`,
      {
        variables: { t: session.refreshToken },
      },
    );
    expect(logout).toEqual({ sessionEnded: true });
    // At once where the session ended (the users subgraph)...
    const after = await gql().request(ME, { token: session.accessToken });
    expect(after.data?.me ?? null).toBeNull();
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // ...and within seconds at the gateway, whose cache of session versions lasts SESSION_VERSION_CACHE_MS.
    const refused = await until(
      async () => {
        const result = await gql().request(ME, { token: session.accessToken });
        return result.status === 401 ? result : undefined;
      },
      'the gateway to refuse the ended session',
      5_000,
    );
    expect(refused.errors).toEqual([
      { message: 'Session ended: sign in again', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });
});

it('item 10: five wrong passwords from IP A leave the owner free to sign in from IP B', async () => {
  const owner = await register('Owner');
  const proxied = new GraphQLTestClient((await supergraph.startGateway({ TRUST_PROXY: 'true' })).url);
  const login = (password: string, ip: string) =>
    proxied.request(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { user { id } } }`,
      {
        variables: { e: owner.user.email, p: password },
        headers: { 'x-forwarded-for': ip },
      },
    );
  for (let i = 0; i < 5; i += 1)
    expect((await login('not the password', '203.0.113.10')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  // IP A now waits, even with the right password...
  expect((await login(PASSWORD, '203.0.113.10')).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  // ...but the owner, elsewhere, is not locked out.
  expect((await login(PASSWORD, '203.0.113.20')).data?.login.user.id).toBe(owner.user.id);
});

it('item 11: no password-reset or verification token in the logs (NODE_ENV=test)', async () => {
  const { user } = await register('Forgetful');
  expect(
    (
      await gql().data(`mutation($e: String!) { requestPasswordReset(input: { email: $e }) { email } }`, {
        variables: { e: user.email },
      })
    ).requestPasswordReset,
  ).toEqual({ email: user.email });
  const sent = () => mails.filter((mail) => mail.to === user.email);
  await until(() => (sent().length === 2 ? true : undefined), 'the verification and reset mails');
  const log = supergraph.logs.text();
  for (const mail of sent()) {
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    expect(log).not.toContain(token);
  }
  expect(log).not.toMatch(/reset-password\?token=|verify-email\?token=/);
  // The mails were logged, as a kind and an address digest.
  expect(supergraph.logs.records().filter((record) => record.mail).length).toBeGreaterThanOrEqual(2);
});

it('item 12: updateProduct on another vendor’s draft answers NOT_FOUND, exactly as a random id', async () => {
  const ada = tokenFor(DemoIds.users.ada, 'VENDOR');
  const grace = tokenFor(DemoIds.users.grace, 'VENDOR');
  const { categories } = await gql().data('{ categories { id } }');
  const {
    createProduct: { product: draft },
  } = await gql().data(`mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id status } } }`, {
    token: ada,
    variables: {
      i: {
        name: 'Probe Draft Agent',
        description: 'A draft only its vendor may see or change.',
        kind: 'AGENT',
        price: { amount: 4900, currency: 'USD' },
        categoryId: categories[0].id,
        tags: ['probe'],
      },
    },
  });
  expect(draft.status).toBe('DRAFT');
  const update = async (id: string) => {
    const { status, data, errors } = await gql().request(
      `mutation($id: ID!) { updateProduct(input: { productId: $id, description: "Taken over." }) { product { id } } }`,
      { token: grace, variables: { id } },
    );
    return { status, data, errors };
  };
  const hidden = await update(draft.id);
  expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(hidden).toEqual(await update(globalId('Product', randomUUID())));
});

it('item 13: a signed success for 1 EUR against a USD order leaves it unpaid, unlicensed, uncredited', async () => {
  const made = await orderWithIntent(supergraph);
  expect(made.payment.amount.currency).toBe('USD');
  const wrong = await postWebhook(supergraph, WEBHOOK_SECRET, succeeded(made, { amount: 100, currency: 'EUR' }));
  expect(wrong).toEqual({ status: 200, body: { received: true, outcome: 'mismatch' } });
  // Nothing left payments for the other subgraphs to act on (the attempt and the webhook's arrival are facts for
  // the order's timeline only).
  const announced = await queryRows(
    supergraph.subgraphs.get('payments')!.deps.db,
    `SELECT type FROM outbox WHERE envelope->'payload'->>'orderId' = $1
        AND type NOT IN ('payment.attempt_started', 'payment.webhook_received')`,
    [uuidOf(made.order.id)],
  );
  expect(announced).toEqual([]);
  expect(await orderOf(supergraph, made)).toEqual({ status: 'PENDING_PAYMENT', licenses: [] });
  expect(await ledgerOf(supergraph, made.order.id)).toEqual([]);
  // A signed event without its object is a 400, not a 500.
  const empty = await postWebhook(supergraph, WEBHOOK_SECRET, { ...succeeded(made), data: { object: null } } as never);
  expect(empty.status).toBe(400);
});

describe('item 7: a subgraph port trusts nothing the gateway did not sign', () => {
  it('_entities of a user and of a pending vendor, and _service, are refused unsigned (403 FORBIDDEN)', async () => {
    const applicant = await register('Pending');
    const {
      applyAsVendor: { vendor: applyAsVendor },
    } = await gql().data(
      `mutation { applyAsVendor(input: { displayName: "Probe Pending Labs", bio: "Not yet approved." }) { vendor { id status } } }`,
      { token: applicant.accessToken },
    );
    expect(applyAsVendor.status).toBe('PENDING');
    const probes: [string, string, object][] = [
      ['users', 'on User { id displayName role }', { __typename: 'User', id: applicant.user.id }],
      ['vendor', 'on Vendor { id displayName status }', { __typename: 'Vendor', id: applyAsVendor.id }],
    ];
    for (const [subgraph, fragment, representation] of probes) {
      const result = await atPort(subgraph).request(
        `query($r: [_Any!]!) { _entities(representations: $r) { ...${fragment} } }`,
        {
          variables: { r: [representation] },
        },
      );
      expect({ subgraph, status: result.status, codes: result.errors?.map((e) => e.extensions?.code) }).toEqual({
        subgraph,
        status: 403,
        codes: ['FORBIDDEN'],
      });
      expect(JSON.stringify(result)).not.toMatch(/Pending|Probe Pending Labs|PENDING/);
      const service = await atPort(subgraph).request('{ _service { sdl } }');
      expect([service.status, service.errors?.[0].extensions?.code]).toEqual([403, 'FORBIDDEN']);
    }
  });

  // Last of this file's registrations (hence item 7 at the end): it spends what is left of the address's hourly budget.
  it('a rotating forged x-client-ip does not beat registrations per IP: the socket address is counted', async () => {
    const codes: string[] = [];
    for (let i = 0; i < REGISTRATIONS_PER_IP_PER_HOUR + 3; i += 1) {
      const result = await atPort('users').request(REGISTER, {
        variables: { i: { email: `forged.${randomUUID()}@example.com`, password: PASSWORD, displayName: 'Forger' } },
        headers: { 'x-client-ip': `198.51.100.${i + 1}` },
      });
      codes.push(result.errors?.[0]?.extensions?.code ?? 'OK');
    }
    const accepted = codes.filter((code) => code === 'OK').length;
    expect(accepted).toBeLessThanOrEqual(REGISTRATIONS_PER_IP_PER_HOUR);
    expect(codes).toEqual([...Array(accepted).fill('OK'), ...Array(codes.length - accepted).fill('RATE_LIMITED')]);
  });
});
